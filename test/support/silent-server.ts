/**
 * A TCP server on 127.0.0.1 (a random port) that accepts every connection, reads whatever is sent
 * and never answers a byte: the remote that hangs clients without a timeout. `stop` destroys the
 * open connections and closes the server.
 *
 *   const silent = await startSilentServer();
 *   // http://127.0.0.1:PORT/... : git and fetch connect, send their request, then wait
 *   await silent.stop();
 */
import * as net from 'node:net';

export interface StartedSilentServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: () => number;
  /** HTTP request lines received so far (`GET /x HTTP/1.1`), for counting retries. */
  readonly requests: () => number;
  stop(): Promise<void>;
}

export async function startSilentServer(): Promise<StartedSilentServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let requests = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    // Read and ignore: the request is "received". (A request line arrives in one chunk here.)
    socket.on('data', (chunk: Buffer) => {
      requests += chunk.toString('latin1').match(/^[A-Z]+ \S+ HTTP\/1\.[01]\r$/gm)?.length ?? 0;
    });
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => accepted,
    requests: () => requests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

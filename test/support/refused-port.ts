import net from 'node:net';

/**
 * A loopback port that refuses connections and stays that way for the whole run.
 *
 * Why not "bind port 0, note it, close it": the kernel hands that port to the next `listen(0)`, and
 * other test files running in parallel start servers all the time; the "stopped" URL then answers
 * (seen in CI as exit 1, repository not found, where refusal was expected). Ports below 1024 are
 * outside the kernel's ephemeral range, so no test server can be given one; these ones are also not on
 * the Fetch standard's "bad ports" list, which Node's fetch refuses before connecting.
 */
export async function refusedPort(): Promise<number> {
  for (const port of [4, 8, 10, 12, 14, 16, 18, 24, 26, 28]) {
    if (await refuses(port)) return port;
  }
  throw new Error('no privileged loopback port refuses connections on this machine');
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

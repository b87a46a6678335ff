/**
 * A CRD mirror on 127.0.0.1 for `slipway crds pull`: serves upstream's bytes at upstream's paths
 * (`/argoproj/argo-rollouts/v1.9.0/manifests/crds/rollout-crd.yaml`), read from ../shared (never
 * copied into the project), and misbehaves on request, per path: 404, other bytes, a body that
 * stalls half-way, 503s before the real answer.
 *
 * Where the upstream bytes of a pinned file are in ../shared (`UPSTREAM_COPIES`):
 * - Argo Rollouts v1.9.0, Knative Serving and operator knative-v1.23.0: ../shared/crds, whose
 *   files are byte-identical at these tags (../shared/crds/README.md names v1.9.1 for Rollouts;
 *   its four CRD files did not change from v1.9.0);
 * - Istio 1.30.3: the istio `base` chart 1.30.3 in ../shared/upstream-charts carries istio/api's
 *   customresourcedefinitions.gen.yaml as files/crd-all.gen.yaml.
 * Argo CD v3.4.4's files are not there (../shared/crds holds v3.5.1's): `ARGO_CD_V3_5_1` serves
 * those at v3.4.4's paths, a mirror with the wrong version.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PINNED_CRDS } from '../../src/crds/pinned-crds.js';
import { SHARED_CHARTS, SHARED_CRDS } from './shared.js';

const RAW = 'https://raw.githubusercontent.com';
const shared = (file: string) => () => readFileSync(join(SHARED_CRDS, file));

/** The chart member's bytes (`tar` reads the package; nothing is unpacked to disk). */
function chartMember(chart: string, member: string): () => Buffer {
  return () => execFileSync('tar', ['-xzOf', join(SHARED_CHARTS, chart), member], { maxBuffer: 64 * 1024 * 1024 });
}

/** Upstream URL → where ../shared has exactly its bytes. */
export const UPSTREAM_COPIES: ReadonlyMap<string, () => Buffer> = new Map([
  [`${RAW}/argoproj/argo-rollouts/v1.9.0/manifests/crds/rollout-crd.yaml`, shared('argo-rollouts.rollout.yaml')],
  [`${RAW}/argoproj/argo-rollouts/v1.9.0/manifests/crds/analysis-template-crd.yaml`, shared('argo-rollouts.analysis-template.yaml')],
  [
    `${RAW}/argoproj/argo-rollouts/v1.9.0/manifests/crds/cluster-analysis-template-crd.yaml`,
    shared('argo-rollouts.cluster-analysis-template.yaml'),
  ],
  [`${RAW}/argoproj/argo-rollouts/v1.9.0/manifests/crds/analysis-run-crd.yaml`, shared('argo-rollouts.analysis-run.yaml')],
  [`${RAW}/istio/api/1.30.3/kubernetes/customresourcedefinitions.gen.yaml`, chartMember('base-1.30.3.tgz', 'base/files/crd-all.gen.yaml')],
  [`${RAW}/knative/serving/knative-v1.23.0/config/core/300-resources/service.yaml`, shared('knative-serving.service.yaml')],
  [`${RAW}/knative/serving/knative-v1.23.0/config/core/300-resources/domain-mapping.yaml`, shared('knative-serving.domain-mapping.yaml')],
  [
    `${RAW}/knative/operator/knative-v1.23.0/config/crd/bases/operator.knative.dev_knativeservings.yaml`,
    shared('knative-operator.knative-serving.yaml'),
  ],
]);

/** Argo CD v3.5.1's CRDs (../shared/crds), by the v3.4.4 URL each stands in for. */
export const ARGO_CD_V3_5_1: ReadonlyMap<string, () => Buffer> = new Map([
  [`${RAW}/argoproj/argo-cd/v3.4.4/manifests/crds/application-crd.yaml`, shared('argo-cd.application.yaml')],
  [`${RAW}/argoproj/argo-cd/v3.4.4/manifests/crds/applicationset-crd.yaml`, shared('argo-cd.applicationset.yaml')],
  [`${RAW}/argoproj/argo-cd/v3.4.4/manifests/crds/appproject-crd.yaml`, shared('argo-cd.appproject.yaml')],
]);

/** The components whose every file has an upstream copy in ../shared. */
export const MIRRORED_COMPONENTS = PINNED_CRDS.filter((p) => p.files.every((f) => UPSTREAM_COPIES.has(f.url))).map((p) => p.component);

/** How the mirror answers one path. */
export type Behaviour =
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'bytes'; readonly body: () => Buffer }
  /** Headers and half the body, then nothing until the client gives up. */
  | { readonly kind: 'stall' }
  /** `count` answers 503, then the real file. */
  | { readonly kind: 'unavailable'; readonly count: number };

export interface CrdMirror {
  /** `http://127.0.0.1:PORT`, the `--base-url`. */
  readonly url: string;
  /** Requests received per path. */
  readonly requests: Map<string, number>;
  /** Total requests. */
  total(): number;
  stop(): Promise<void>;
}

/** Serves `files` (upstream URL → bytes) at their upstream paths; `behave` (by upstream URL) overrides. */
export async function startCrdMirror(
  files: ReadonlyMap<string, () => Buffer> = UPSTREAM_COPIES,
  behave: ReadonlyMap<string, Behaviour> = new Map(),
): Promise<CrdMirror> {
  const byPath = new Map([...files].map(([url, body]) => [new URL(url).pathname, body]));
  const behaviourByPath = new Map([...behave].map(([url, b]) => [new URL(url).pathname, b]));
  const requests = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const seen = (requests.get(path) ?? 0) + 1;
    requests.set(path, seen);
    const behaviour = behaviourByPath.get(path);
    const body = behaviour?.kind === 'bytes' ? behaviour.body : byPath.get(path);
    if (behaviour?.kind === 'status') return void res.writeHead(behaviour.status).end();
    if (behaviour?.kind === 'unavailable' && seen <= behaviour.count) return void res.writeHead(503).end('try later');
    if (body === undefined) return void res.writeHead(404).end('not found');
    const bytes = body();
    if (behaviour?.kind === 'stall') {
      res.writeHead(200, { 'content-length': bytes.length });
      res.write(bytes.subarray(0, bytes.length >> 1));
      return;
    }
    res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    total: () => [...requests.values()].reduce((a, b) => a + b, 0),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * `../shared/`: the upstream CRDs and pinned platform charts, read there and never copied into
 * the project. A checkout without it (a contributor's laptop) still runs every other test: the
 * ones that need it skip, and global set-up says so in one line. With `CI` set its absence is an
 * error, so a CI machine can never pass by skipping them.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));
/** Upstream CRDs (Argo Rollouts, Argo CD, Knative, Istio). */
export const SHARED_CRDS = fileURLToPath(new URL('../../../shared/crds/', import.meta.url));
/** The pinned platform charts as `helm package` files, with index.json. */
export const SHARED_CHARTS = fileURLToPath(new URL('../../../shared/upstream-charts/', import.meta.url));

export const HAVE_SHARED = existsSync(SHARED_CRDS) && existsSync(SHARED_CHARTS);

/** What global set-up says (and, under CI, fails with) when `../shared/` is absent. */
export const SHARED_MISSING = `${SHARED_DIR} (upstream CRDs and charts) is absent`;

/** `describe`, skipped without `../shared/`. */
export const describeWithShared = describe.skipIf(!HAVE_SHARED);
/** `it`, skipped without `../shared/`. */
export const itWithShared = it.skipIf(!HAVE_SHARED);

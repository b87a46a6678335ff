/**
 * `slipway status --registry`: for each app × env with a `track` policy, the newest tag the
 * policy allows in the app's registry beside the tag the env repo deploys, resolved as
 * `promote --latest` resolves it (newest-tag.ts: same policy, same HEAD check, digest pinned when
 * the policy says `digest: true`). Read only: nothing is promoted.
 *
 * In two steps so input is checked before any remote is read: `registryReader` loads envs/ and,
 * when some app tracks, charts-src/ (a bad file is a ConfigError, exit 1, at once); the reader it
 * returns then reads each image's tags once, however many envs track it, and a registry that
 * fails marks its rows (`error`) without stopping the others or the status.
 */
import { join } from 'node:path';
import type { EnvDefinition } from '../../generators/environment.js';
import { ConfigError } from '../core/config-error.js';
import { describePolicy } from '../core/tag-policy.js';
import { loadAppFiles } from '../load/load-apps.js';
import { loadSelectedEnvs } from '../load/load-envs.js';
import { registryFor, type RegistryClient } from './client.js';
import { newestTag, type NewestTagOptions, type TagStanding } from './newest-tag.js';

/** What `status --json` shows per row as `registry`. */
export interface RegistryStanding {
  /** The policy in one line (`semver ~2.9`). */
  readonly policy: string;
  /** The newest tag the policy allows (without digest); null: none matches, or the registry failed. */
  readonly newest: string | null;
  /** Its manifest digest, when the policy pins digests (`digest: true`). */
  readonly digest?: string;
  /** newer: `promote --latest` would move to it; up-to-date: nothing newer is allowed. */
  readonly state: 'newer' | 'up-to-date' | 'no-match' | 'error';
  /** What went wrong (state error), one line. */
  readonly error?: string;
}

export interface RegistryLookup {
  readonly env: string;
  readonly app: string;
  readonly standing: RegistryStanding;
  /** The finer standing against the deployed tag (repushed, older...); undefined on error. */
  readonly against: TagStanding | undefined;
  /** The error behind state `error` (its class gives the exit code). */
  readonly failure?: unknown;
}

/** A status row as far as the registry column needs it. */
export interface DeployedRow {
  readonly env: string;
  readonly app: string;
  /** The tag in the env repo (undefined: not deployed). */
  readonly committed: string | undefined;
}

export type RegistryReader = (rows: readonly DeployedRow[]) => Promise<readonly RegistryLookup[]>;

export interface RegistryReaderOptions {
  readonly root: string;
  /** Only these envs (as status --env). */
  readonly envs?: readonly string[];
  readonly environment: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
  readonly debug?: (line: string) => void;
}

type TagSource = NewestTagOptions['registry'];

export async function registryReader(o: RegistryReaderOptions): Promise<RegistryReader> {
  const envs: EnvDefinition[] = loadSelectedEnvs(o.root, o.envs);
  const tracking = envs.some((e) => Object.values(e.apps).some((a) => a.enabled && a.track));
  const images = new Map(
    tracking ? (await loadAppFiles(join(o.root, 'charts-src'))).map((a) => [a.definition.name, a.definition.image]) : [],
  );
  const sources = new Map<string, Promise<TagSource>>();
  /** One client per image, its tag list and digests read once (a failure too: a down registry is asked once). */
  const sourceOf = (app: string, image: string): Promise<TagSource> => {
    let source = sources.get(image);
    if (!source) {
      source = registryFor(image, `charts-src/${app}.ts: image`, o.environment, { debug: o.debug }).then((client) => {
        o.log(`registry: reading the tags of ${client.ref.description}`);
        return cached(client);
      });
      sources.set(image, source);
    }
    return source;
  };
  return async (rows) => {
    const out: RegistryLookup[] = [];
    for (const row of rows) {
      const policy = envs.find((e) => e.name === row.env)?.apps[row.app]?.track;
      if (!policy) continue;
      const at = { env: row.env, app: row.app };
      try {
        const image = images.get(row.app);
        if (image === undefined)
          throw new ConfigError(`envs/${row.env}.yaml: apps.${row.app}: no charts-src/${row.app}.ts defines app '${row.app}'`);
        const pick = await newestTag({
          env: row.env,
          policy,
          registry: await sourceOf(row.app, image),
          current: row.committed,
          debug: o.debug,
        });
        const [newest, digest] = pick.tag === undefined ? [null, undefined] : pick.tag.split('@');
        const state =
          pick.standing === 'none' ? 'no-match' : pick.standing === 'same' || pick.standing === 'older' ? 'up-to-date' : 'newer';
        out.push({
          ...at,
          standing: { policy: pick.policy, newest: newest ?? null, ...(digest ? { digest } : {}), state },
          against: pick.standing,
        });
      } catch (e) {
        out.push({
          ...at,
          standing: { policy: describePolicy(policy), newest: null, state: 'error', error: firstLine(e) },
          against: undefined,
          failure: e,
        });
      }
    }
    return out;
  };
}

/** The client's answers kept: every env tracking the image sees the same list, read once. */
function cached(client: RegistryClient): TagSource {
  let tags: Promise<string[]> | undefined;
  const digests = new Map<string, Promise<string | undefined>>();
  return {
    ref: client.ref,
    tags: () => (tags ??= client.tags()),
    digest: (tag) => {
      let d = digests.get(tag);
      if (!d) digests.set(tag, (d = client.digest(tag)));
      return d;
    },
  };
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!;
}

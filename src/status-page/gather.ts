/**
 * The status page's facts, read as `slipway status` reads them: envs/ (validated), each env
 * repo's branch (tags, delivery, platform pins), each app's history on it (`slipway history`),
 * and the promotion branches pending review (`pendingReviews`, through `statusReport`) with the
 * tag each would bring. An env whose repo cannot be read is kept, with why, and the page shows
 * what envs/ says of it; the report's failures name it as `slipway status` does.
 */
import type { EnvDefinition } from '../../generators/environment.js';
import type { RemoteTree } from '../core/env-remote.js';
import { committedTag, tagPath } from '../plan/committed-tags.js';
import { forEachEnv, type EnvFailure } from '../publish/for-each-env.js';
import { ENVS_READ_AT_ONCE, statusReport, type CommandContext, type StatusReport } from '../promotion/read-commands.js';
import { appHistory } from '../promotion/history.js';
import type { RegistryLookup, RegistryReader } from '../registry/registry-standing.js';
import { deliveryFromManifests, deliveryFromValues, platformPinFrom } from './env-repo-facts.js';
import type { AppFacts, DeliveryFacts, EnvFacts, PlatformPin, StatusPageInput } from './page-input.js';

export interface GatherOptions extends CommandContext {
  /** Promotions listed per app and env. */
  readonly historyLimit: number;
  /** ISO 8601: when the page is made. */
  readonly generatedAt: string;
  /** `--registry`: reads the newest tag each tracked app's policy allows (registry-standing.ts). */
  readonly readRegistry?: RegistryReader;
}

export interface Gathered {
  /** What `slipway status` prints, with the envs the page could not read as failures too. */
  readonly report: StatusReport;
  readonly input: StatusPageInput;
  /** With `readRegistry`: one per row with a track policy. */
  readonly registry?: readonly RegistryLookup[];
}

/** History entries other than promotions (a bootstrap) come between them: read a few more than shown. */
const OTHER_COMMITS_ALLOWANCE = 20;

export async function gatherStatusPage(options: GatherOptions): Promise<Gathered> {
  const report = await statusReport(options);
  const registry = await options.readRegistry?.(report.rows);
  const { envs } = report;
  const failures = new Map<string, unknown>(report.failures.map((f) => [f.env, f.error]));
  const readable = envs.filter((e) => !failures.has(e.name));
  // Side by side, as status reads them; the page lists envs in their order whatever finishes first.
  const outcome = await forEachEnv(readable, (env) => envFacts(env, options, report, registry ?? []), { concurrency: ENVS_READ_AT_ONCE });
  for (const f of outcome.failures) failures.set(f.env, f.error);
  const read = new Map(outcome.results.map((f) => [f.name, f]));
  return {
    report: {
      ...report,
      failures: envs.flatMap((e): EnvFailure[] => (failures.has(e.name) ? [{ env: e.name, error: failures.get(e.name) }] : [])),
    },
    input: {
      generatedAt: options.generatedAt,
      historyLimit: options.historyLimit,
      envs: envs.map((e) => read.get(e.name) ?? unreadableFacts(e, failures.get(e.name))),
      disagreements: [
        ...report.disagreements.map((d) => ({ message: d.message, reconcile: d.reconcile })),
        // The CLI prints it as an error line; the page, read later and elsewhere, says it too.
        ...(report.platformFailure
          ? [{ message: `the platform repo's remote could not be read: ${report.platformFailure.message}`, reconcile: 'slipway status' }]
          : []),
      ],
    },
    ...(registry ? { registry } : {}),
  };
}

async function envFacts(
  env: EnvDefinition,
  options: GatherOptions,
  report: StatusReport,
  registry: readonly RegistryLookup[],
): Promise<EnvFacts> {
  // The branch status read a moment ago (its tags are the ones the report's rows show), through
  // the same remote: not fetched a second time.
  const read = report.reads.get(env.name);
  if (!read) throw new Error(`${env.name}: status did not read this env's repo`);
  const { remote, tree } = read;
  const platform: PlatformPin[] = [];
  for (const path of [...tree.blobs.keys()].filter((p) => /^apps\/platform-[^/]+\.ya?ml$/.test(p)).sort()) {
    const pin = platformPinFrom(await tree.read(path));
    if (pin) platform.push(pin);
  }
  const depth = options.historyLimit + OTHER_COMMITS_ALLOWANCE;
  // A bundle pending review is the pending branch of every app it changes: read once each.
  const branchTrees = new Map<string, Promise<RemoteTree>>();
  const branchTree = (branch: string) => {
    let read = branchTrees.get(branch);
    if (!read) branchTrees.set(branch, (read = remote.read(branch)));
    return read;
  };
  const apps: AppFacts[] = [];
  for (const [app, settings] of Object.entries(env.apps)) {
    if (!settings.enabled) {
      apps.push({ app, enabled: false, declared: settings.tag, history: [], historyComplete: true });
      continue;
    }
    const committed = await committedTag(tree, env, app);
    // As of the head the page shows: no fetch per app.
    const history = committed === undefined ? [] : await appHistory(remote, env, app, depth, tree.head);
    const row = report.rows.find((r) => r.env === env.name && r.app === app);
    const pending = row?.pending;
    const pendingTag = pending ? await committedTag(await branchTree(pending.branch), env, app) : undefined;
    const delivery = await deliveryOf(env, app, tree);
    const newest = registry.find((l) => l.env === env.name && l.app === app)?.standing;
    apps.push({
      app,
      enabled: true,
      declared: settings.tag,
      ...(committed !== undefined ? { committed } : {}),
      ...(delivery ? { delivery } : {}),
      ...(newest ? { registry: newest } : {}),
      history,
      historyComplete: history.length < depth,
      ...(pending
        ? {
            pending: {
              branch: pending.branch,
              head: pending.head,
              ...(pending.pullRequest ? { pullRequest: { number: pending.pullRequest.number, url: pending.pullRequest.url } } : {}),
              ...(pendingTag !== undefined ? { tag: pendingTag } : {}),
            },
          }
        : {}),
    });
  }
  return { ...envBasics(env), ...(tree.head ? { head: tree.head } : {}), platform, apps };
}

async function deliveryOf(env: EnvDefinition, app: string, tree: RemoteTree): Promise<DeliveryFacts | undefined> {
  const path = tagPath(env, app);
  if (env.render === 'helm') return tree.blobs.has(path) ? deliveryFromValues(await tree.read(path)) : undefined;
  const files = [...tree.blobs.keys()].filter((p) => p.startsWith(path)).sort();
  return files.length ? deliveryFromManifests(await Promise.all(files.map((f) => tree.read(f)))) : undefined;
}

function envBasics(env: EnvDefinition): Omit<EnvFacts, 'platform' | 'apps'> {
  return {
    name: env.name,
    promotesFrom: env.promotesFrom,
    promotion: env.promotion,
    render: env.render,
    repo: {
      kind: env.repo.kind,
      location: env.repo.location,
      branch: env.repo.branch,
      url: env.repo.url,
      ...(env.repo.github ? { githubApiUrl: env.repo.github.apiUrl } : {}),
    },
    clusters: (env.fleet ?? [env.cluster]).map((c) => ({ name: c.name, server: c.server })),
  };
}

/** What envs/ alone says of an env whose repo could not be read. */
function unreadableFacts(env: EnvDefinition, error: unknown): EnvFacts {
  return {
    ...envBasics(env),
    unreadable: String((error as Error)?.message ?? error).split('\n')[0]!,
    platform: [],
    apps: Object.entries(env.apps).map(([app, s]) => ({ app, enabled: s.enabled, declared: s.tag, history: [], historyComplete: true })),
  };
}

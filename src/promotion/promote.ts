/**
 * `slipway promote` and `slipway rollback`: change one app's tag in one environment by a commit
 * to its env repo (directly, or on a pull-request branch), after checks that keep it safe:
 *
 * - the tag is one Docker accepts (and pinned, and with a digest where the env requires it);
 * - gating: an env with `promotesFrom` takes only the tag committed in that env's repo now,
 *   unless `--force --reason`, and the reason goes into the commit;
 * - nothing moves backwards silently: when the env repo holds another tag for this app than
 *   envs/<env>.yaml (a merged PR, another machine), slipway refuses and says to `slipway pull`;
 *   other apps' newer tags in the env repo are adopted, never reverted;
 * - the commit changes the tag line(s) and nothing else: if the env repo differs from the
 *   platform repo in more than tags, run bootstrap first.
 *
 * The platform repo records direct promotions (envs/<env>.yaml, committed, pushed when it has an
 * upstream); in PR mode it changes once the PR is merged (`slipway pull`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvDefinition } from '../../generators/environment.js';
import { enabledApps } from '../../generators/environment.js';
import { ConfigError } from '../load/config-error.js';
import { FLOATING_TAGS } from '../load/names.js';
import { planEnv, renderPlan, type Plan } from '../plan/plan.js';
import { BranchMovedError, RemoteError, type EnvRemote, type RemoteTree } from '../publish/env-remote.js';
import { GitHubRemote } from '../publish/github-remote.js';
import { remoteFor, type RemoteContext } from '../publish/remotes.js';
import { sourceCommit } from '../publish/source-commit.js';
import { commitMessage } from '../publish/sync-env.js';
import { generate } from '../synth.js';
import { loadProject } from '../load/load-project.js';
import { committedTag, committedTags } from './committed-tags.js';
import { setTags } from './env-file-edit.js';
import { withLock } from './lock.js';
import { recordInPlatformRepo } from './platform-repo.js';
import { trailerLines } from './trailers.js';

/** What Docker accepts as a tag, optionally with a digest. */
export const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?$/;

export interface PromoteOptions {
  readonly root: string;
  readonly app: string;
  readonly env: string;
  /** The tag to promote; or take it from `from`. */
  readonly tag?: string;
  readonly from?: string;
  readonly pr?: boolean;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly reason?: string;
  /** Marks the commit as a rollback (and skips gating: the tag ran here before). */
  readonly rollback?: boolean;
  readonly crdsDir?: string;
  readonly environment: RemoteContext['environment'];
  readonly log: (line: string) => void;
  readonly debug?: (line: string) => void;
}

export interface PromoteResult {
  readonly app: string;
  readonly env: string;
  readonly from: string | undefined;
  readonly to: string;
  readonly plan: Plan;
  readonly status: 'committed' | 'pull-request' | 'branch-pushed' | 'dry-run' | 'skipped';
  readonly commit?: string;
  readonly branch?: string;
  readonly pullRequest?: { readonly number: number; readonly url: string; readonly created: boolean };
  /** Other apps' tags taken over from the env repo (they were promoted elsewhere). */
  readonly adopted: ReadonlyArray<{ app: string; tag: string }>;
  readonly platformRepo?: string;
  readonly message: string;
}

export function promotionBranch(env: string, app: string): string {
  return `slipway/promote-${env}-${app}`;
}

export async function promote(options: PromoteOptions): Promise<PromoteResult> {
  checkArguments(options);
  return withLock(options.root, () => promoteLocked(options));
}

function checkArguments(o: PromoteOptions): void {
  if (o.force && !o.reason?.trim()) throw new ConfigError('--force needs --reason "<why>": the reason goes into the commit');
  if (o.tag !== undefined && o.from !== undefined) throw new ConfigError('give a tag or --from <env>, not both');
  if (o.tag === undefined && o.from === undefined) throw new ConfigError('which tag? give one (slipway promote <app> <tag> --env <env>) or --from <env>');
  if (o.from !== undefined && o.from === o.env) throw new ConfigError(`--from ${o.from}: an environment cannot promote from itself`);
  if (o.tag !== undefined && !DOCKER_TAG.test(o.tag)) {
    throw new ConfigError(`tag '${o.tag}' is not one Docker accepts (letters, digits, _ . -, starting with a letter, digit or _, at most 128; optionally @sha256:<64 hex>)`);
  }
}

async function promoteLocked(o: PromoteOptions): Promise<PromoteResult> {
  const envFile = `envs/${o.env}.yaml`;
  const envs = new Map((await loadProject(o.root)).envFiles.map((f) => [f.definition.name, f.definition]));
  const env = envs.get(o.env);
  if (!env) throw new ConfigError(`--env ${o.env}: no ${envFile} (known: ${[...envs.keys()].join(', ')})`);
  if (!env.apps[o.app]) throw new ConfigError(`${envFile}: apps.${o.app}: '${o.app}' is not in ${o.env} (its apps: ${Object.keys(env.apps).join(', ')})`);
  if (!env.apps[o.app]!.enabled) throw new ConfigError(`${envFile}: apps.${o.app}: '${o.app}' is disabled in ${o.env} (enabled: false)`);
  const ctx: RemoteContext = { root: o.root, environment: o.environment, log: o.log, debug: o.debug };

  // The tag: given, or what the source env's repo holds now.
  let tag = o.tag;
  if (o.from !== undefined) {
    const source = envs.get(o.from);
    if (!source) throw new ConfigError(`--from ${o.from}: no envs/${o.from}.yaml`);
    const sourceRemote = remoteFor(source, ctx);
    o.log(`${o.from}: reading ${o.app}'s tag from ${sourceRemote.description}`);
    tag = await committedTag(await sourceRemote.read(), source, o.app);
    if (tag === undefined) throw new ConfigError(`--from ${o.from}: ${sourceRemote.description} deploys no ${o.app} yet; promote it to ${o.from} first`);
  }
  checkTagPolicy(tag!, env, envFile, o.app);
  await checkGate(o, env, envs, tag!, ctx);

  const remote = remoteFor(env, ctx);
  const usePr = o.pr ?? env.promotion === 'pr';
  const title = (from: string | undefined) =>
    `${o.rollback ? 'rollback' : 'promote'} ${o.app} ${from ?? 'none'} → ${tag} (${o.env})`;
  const source = await sourceCommit(o.root);
  const actor = o.environment.GITHUB_ACTOR || o.environment.USER || 'unknown';
  const envText = readFileSync(join(o.root, envFile), 'utf8');

  for (let attempt = 1; ; attempt++) {
    const main = await remote.read();
    const state = await reconcile(o, env, main, envText, tag!);
    const trailers = trailerLines({
      app: o.app, env: o.env, from: state.current, to: tag!, sourceCommit: source, actor,
      forced: o.force ? o.reason : undefined, rollback: o.rollback, promotedFrom: o.from,
    });
    // A PR branch continues from its own head; a direct promotion from the branch's.
    const branch = usePr ? promotionBranch(o.env, o.app) : undefined;
    const base = branch ? await remote.read(branch) : main;
    const onto = base.head ? base : main;
    const plan = await planEnv(o.env, remote.description, onto, state.desired);
    const result = (status: PromoteResult['status'], extra: Partial<PromoteResult> = {}): PromoteResult => ({
      app: o.app, env: o.env, from: state.current, to: tag!, plan, status, adopted: state.adopted, message: '', ...extra,
    });
    if (plan.changes.length === 0) {
      return result('skipped', { message: `${o.app} is already ${tag} in ${o.env}${branch && base.head ? ` (on ${branch})` : ''}; nothing to do` });
    }
    if (o.dryRun) return result('dry-run', { message: `dry run: nothing written` });
    try {
      const { sha } = await remote.commit({
        parent: onto.head,
        branch,
        write: plan.write,
        delete: plan.delete,
        message: commitMessage(plan, title(state.current), trailers),
      });
      if (!branch) {
        writeFileSync(join(o.root, envFile), state.envText);
        const recorded = await recordInPlatformRepo(o.root, envFile, title(state.current), o.log);
        return result('committed', { commit: sha, platformRepo: recorded, message: `${title(state.current)}: committed ${sha.slice(0, 12)} to ${remote.description}` });
      }
      if (remote instanceof GitHubRemote) {
        const body = pullRequestBody(plan, o, tag!, state.current);
        const pr = await remote.upsertPullRequest(branch, title(state.current), body);
        return result('pull-request', {
          commit: sha, branch, pullRequest: pr,
          message: `${pr.created ? 'opened' : 'updated'} pull request #${pr.number} (${pr.url}) from ${branch}; merge it, then slipway pull`,
        });
      }
      return result('branch-pushed', {
        commit: sha, branch,
        message: `pushed ${branch} to ${remote.description}; this remote has no pull-request API slipway knows: open a merge request from it, then slipway pull`,
      });
    } catch (e) {
      if (!(e instanceof BranchMovedError)) throw e;
      if (attempt >= 5) throw new RemoteError(`${remote.description}: the branch kept moving; gave up after 5 attempts (nothing was written; run again)`, { cause: e });
      const wait = Math.min(5000, 200 * 2 ** attempt) + Math.floor(Math.random() * 200);
      o.log(`${o.env}: someone committed first; re-reading and re-applying the promotion in ${wait} ms (attempt ${attempt + 1}/5)`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

function checkTagPolicy(tag: string, env: EnvDefinition, envFile: string, app: string): void {
  if (env.pinnedTags && FLOATING_TAGS.has(tag.split('@')[0]!)) {
    throw new ConfigError(`${envFile}: apps.${app}.tag: '${tag}' floats; ${env.name} pins tags (pinnedTags: true): promote a version tag`);
  }
  if (env.requireDigests && !tag.includes('@sha256:')) {
    throw new ConfigError(`${envFile}: apps.${app}.tag: '${tag}' has no digest; ${env.name} requires them (requireDigests: true): promote <tag>@sha256:<digest>`);
  }
}

/** Gating: the tag must be what the upstream env's repo holds now, unless forced or a rollback. */
async function checkGate(o: PromoteOptions, env: EnvDefinition, envs: ReadonlyMap<string, EnvDefinition>, tag: string, ctx: RemoteContext): Promise<void> {
  if (!env.promotesFrom || o.rollback) return;
  const upstream = envs.get(env.promotesFrom)!;
  if (o.from === env.promotesFrom) return; // the tag was just read from there
  const upstreamTag = await committedTag(await remoteFor(upstream, ctx).read(), upstream, o.app);
  if (upstreamTag === tag) return;
  if (o.force) {
    o.log(`${o.env}: gate bypassed (--force): ${o.app} ${tag} is not what ${upstream.name} runs (${upstreamTag ?? 'nothing'}); reason: ${o.reason}`);
    return;
  }
  throw new ConfigError(
    `${o.env} promotes from ${upstream.name}, whose env repo has ${o.app} ${upstreamTag ?? '(none)'}, not ${tag}: ` +
    `promote ${tag} to ${upstream.name} first, or use --from ${upstream.name}, or --force --reason "<why>"`);
}

interface Reconciled {
  /** The app's tag in the env repo now (the promotion's "from"). */
  readonly current: string | undefined;
  /** The env file's text after the promotion (and adopted tags). */
  readonly envText: string;
  /** The env repo's files after the promotion. */
  readonly desired: ReadonlyMap<string, string>;
  readonly adopted: ReadonlyArray<{ app: string; tag: string }>;
}

/**
 * Applies the promotion on top of what the env repo holds now: other apps keep the tags the
 * repo has (adopted), this app gets the new one. Refuses when this app was changed elsewhere,
 * or when the repo differs from the platform repo in more than tags.
 */
async function reconcile(o: PromoteOptions, env: EnvDefinition, tree: RemoteTree, envText: string, tag: string): Promise<Reconciled> {
  const apps = enabledApps(env);
  const repoTags = await committedTags(tree, env, apps);
  const current = repoTags.get(o.app);
  const local = env.apps[o.app]!.tag;
  if (current !== undefined && current !== local && !o.force) {
    throw new ConfigError(
      `envs/${o.env}.yaml says ${o.app} ${local}, but the env repo has ${current} (promoted from another machine, or a merged pull request): ` +
      `run slipway pull to adopt it, then promote again (or --force --reason)`);
  }
  const adopted: Array<{ app: string; tag: string }> = [];
  const tags = new Map<string, string>();
  for (const [app, repoTag] of repoTags) {
    if (app === o.app || repoTag === undefined || repoTag === env.apps[app]!.tag) continue;
    tags.set(app, repoTag);
    adopted.push({ app, tag: repoTag });
  }
  const before = setTags(envText, tags, `envs/${o.env}.yaml`);
  tags.set(o.app, tag);
  const after = setTags(envText, tags, `envs/${o.env}.yaml`);
  // Only this env is rendered; the result that gets committed is validated, the baseline need not be.
  const render = async (text: string, validate: boolean) => {
    const out = await generate({ root: o.root, crdsDir: o.crdsDir, envOverrides: new Map([[`envs/${o.env}.yaml`, text]]), onlyEnvs: [o.env], validate });
    const prefix = `envs/${o.env}/`;
    return new Map([...out.output.files].filter(([p]) => p.startsWith(prefix)).map(([p, c]) => [p.slice(prefix.length), c]));
  };
  // Before the edit, the repo must hold exactly what the platform repo generates (tags adopted).
  if (tree.head !== undefined) {
    const drift = await planEnv(o.env, '', tree, await render(before, false));
    if (drift.changes.length > 0) {
      throw new ConfigError(
        `the env repo of ${o.env} differs from what the platform repo generates in more than tags (${drift.changes.map((c) => c.path).slice(0, 5).join(', ')}${drift.changes.length > 5 ? ', …' : ''}): ` +
        `run slipway bootstrap --env ${o.env} first, so this promotion changes only ${o.app}'s tag`);
    }
  } else {
    throw new ConfigError(`${o.env}: the env repo has no commit yet: run slipway bootstrap --env ${o.env} first`);
  }
  return { current, envText: after, desired: await render(after, true), adopted };
}

function pullRequestBody(plan: Plan, o: PromoteOptions, tag: string, from: string | undefined): string {
  return [
    `Promotes **${o.app}** in **${o.env}**: \`${from ?? 'none'}\` → \`${tag}\`${o.from ? ` (the tag ${o.from} runs)` : ''}.`,
    ...(o.force ? ['', `Gate bypassed with --force: ${o.reason}`] : []),
    '',
    'Plan:',
    '',
    '```diff',
    renderPlan(plan, { color: false, diffs: 'all' }).trimEnd(),
    '```',
    '',
    'Merging changes the desired state; Argo CD converges the cluster. Then run `slipway pull` in the platform repo.',
  ].join('\n');
}

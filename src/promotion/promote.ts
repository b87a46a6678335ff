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
 * The platform repo records direct promotions: envs/<env>.yaml, committed alone and pushed to
 * its remote's default branch (platform-repo.ts, which also gives the order of the two writes and
 * what a failure between them leaves). Every check comes before the first write. A promotion
 * whose env-repo half is done (the env repo has the tag, envs/ not yet) finishes the platform
 * half when run again. In PR mode envs/ changes once the PR is merged (`slipway pull`); a
 * promotion branch whose pull request was merged or closed (on other remotes: that is merged into
 * the env repo's branch) starts again from that branch's head.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvDefinition } from '../../generators/environment.js';
import { enabledApps } from '../../generators/environment.js';
import { ConfigError } from '../load/config-error.js';
import { FLOATING_TAGS } from '../load/names.js';
import { planEnv, renderPlan, type Plan } from '../plan/plan.js';
import { BranchMovedError, RemoteUnavailableError, type RemoteTree } from '../publish/env-remote.js';
import { capability } from '../publish/remote-capabilities.js';
import { remoteFor, type RemoteContext } from '../publish/remotes.js';
import { sourceCommit } from '../publish/source-commit.js';
import { commitMessage } from '../publish/sync-env.js';
import { generate } from '../synth.js';
import { loadProject } from '../load/load-project.js';
import { committedTag, committedTags } from './committed-tags.js';
import { setTags } from './env-file-edit.js';
import { withLock } from './lock.js';
import { gitIdentities, envRepoAuthor, resolveActor } from './identity.js';
import { hasOutDir, outPathsOf, refreshOutEnv, renderEnvFiles } from './out-refresh.js';
import { PlatformRepo, tagEdit, type RecordRequest } from './platform-repo.js';
import { restartReason } from './promotion-branch.js';
import { trailerLines } from './trailers.js';

/** What Docker accepts as a tag, optionally with a digest. */
const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?$/;

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
  /**
   * Commit straight to the env repo's branch even in a `promotion: pr` env (an emergency): needs
   * `reason`, which goes into the commit (`Slipway-Direct`), and the result carries a warning.
   */
  readonly direct?: boolean;
  /** Marks the commit as a rollback (and skips gating: the tag ran here before). */
  readonly rollback?: boolean;
  /** Push the platform repo's commit (direct promotions). @default true; false (--no-push): commit it locally only */
  readonly push?: boolean;
  /** Run the platform repo's git hooks. @default true; false: --no-verify */
  readonly verify?: boolean;
  /** Who promotes (`Slipway-Actor`). @default SLIPWAY_ACTOR, the CI's user variable, git's user.name, the OS user */
  readonly actor?: string;
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
  /** `recorded`: the env repo had the tag already; only envs/ (the platform repo) was brought in step. */
  readonly status: 'committed' | 'recorded' | 'pull-request' | 'branch-pushed' | 'dry-run' | 'skipped';
  readonly commit?: string;
  readonly branch?: string;
  readonly pullRequest?: { readonly number: number; readonly url: string; readonly created: boolean };
  /** Other apps' tags taken over from the env repo (they were promoted elsewhere). */
  readonly adopted: ReadonlyArray<{ app: string; tag: string }>;
  /** For the user's attention (a review bypassed with --direct). */
  readonly warnings?: readonly string[];
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
  if (o.direct && !o.reason?.trim()) throw new ConfigError('--direct needs --reason "<why>": it bypasses review, and the reason goes into the commit');
  if (o.direct && o.pr) throw new ConfigError('--direct and --pr contradict each other: give one');
  if (o.tag !== undefined && o.from !== undefined) throw new ConfigError('give a tag or --from <env>, not both');
  if (o.tag === undefined && o.from === undefined) throw new ConfigError('which tag? give one (slipway promote <app> <tag> --env <env>) or --from <env>');
  if (o.from !== undefined && o.from === o.env) throw new ConfigError(`--from ${o.from}: an environment cannot promote from itself`);
  if (o.tag !== undefined && !DOCKER_TAG.test(o.tag)) {
    throw new ConfigError(`tag '${o.tag}' is not one Docker accepts (letters, digits, _ . -, starting with a letter, digit or _, at most 128; optionally @sha256:<64 hex>)`);
  }
}

async function loadEnvs(o: PromoteOptions): Promise<{ envs: Map<string, EnvDefinition>; env: EnvDefinition }> {
  const envFile = `envs/${o.env}.yaml`;
  const envs = new Map((await loadProject(o.root)).envFiles.map((f) => [f.definition.name, f.definition]));
  const env = envs.get(o.env);
  if (!env) throw new ConfigError(`--env ${o.env}: no ${envFile} (known: ${[...envs.keys()].join(', ')})`);
  if (!env.apps[o.app]) throw new ConfigError(`${envFile}: apps.${o.app}: '${o.app}' is not in ${o.env} (its apps: ${Object.keys(env.apps).join(', ')})`);
  if (!env.apps[o.app]!.enabled) throw new ConfigError(`${envFile}: apps.${o.app}: '${o.app}' is disabled in ${o.env} (enabled: false)`);
  return { envs, env };
}

async function promoteLocked(o: PromoteOptions): Promise<PromoteResult> {
  const envFile = `envs/${o.env}.yaml`;
  let { envs, env } = await loadEnvs(o);
  const ctx: RemoteContext = { root: o.root, environment: o.environment, log: o.log, debug: o.debug };
  // A direct promotion records in the platform repo: every check there comes before any write
  // (identity, branch, remote reachable, nothing unpushed, envs/<env>.yaml clean).
  const recordsInPlatform = !o.dryRun && (o.direct === true || !(o.pr ?? env.promotion === 'pr'));
  const platform = recordsInPlatform
    ? await PlatformRepo.open({ root: o.root, files: [envFile, ...outPathsOf(o.env)], push: o.push, verify: o.verify, log: o.log, environment: o.environment })
    : undefined;
  if (platform?.fastForwarded) ({ envs, env } = await loadEnvs(o));

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
  // --direct: past review in an env that takes promotions through it, audited (trailer, warning).
  const bypass = o.direct === true && env.promotion === 'pr';
  const usePr = !o.direct && (o.pr ?? env.promotion === 'pr');
  const warnings = bypass
    ? [`${o.env} takes promotions through review (promotion: pr); --direct commits straight to ${env.repo.branch}, bypassing it: ${o.reason!.trim()}`]
    : [];
  const title = (from: string | undefined) =>
    `${o.rollback ? 'rollback' : 'promote'} ${o.app} ${from ?? 'none'} → ${tag} (${o.env})`;
  const source = await sourceCommit(o.root);
  const identities = await gitIdentities(o.root, o.environment);
  const actor = resolveActor({ flag: o.actor, environment: o.environment, identity: identities.author });
  const author = envRepoAuthor(o.environment, identities.author);
  const envText = readFileSync(join(o.root, envFile), 'utf8');
  const localTag = env.apps[o.app]!.tag;

  for (let attempt = 1; ; attempt++) {
    const main = await remote.read();
    const state = await reconcile(o, env, main, envText, tag!);
    await checkUncommitted(platform, envFile, main, env);
    const trailers = trailerLines({
      app: o.app, env: o.env, from: state.current, to: tag!, sourceCommit: source, actor,
      forced: o.force ? o.reason : undefined, direct: bypass ? o.reason : undefined, rollback: o.rollback, promotedFrom: o.from,
    });
    // A PR branch continues from its own head; a direct promotion from the branch's.
    const branch = usePr ? promotionBranch(o.env, o.app) : undefined;
    const base = branch ? await remote.read(branch) : main;
    // …unless its pull request was merged or closed (elsewhere: it is merged): then it starts again from main.
    const restart = branch && base.head ? await restartReason(remote, branch, base.head, env.repo.branch) : undefined;
    if (restart) o.log(`${o.env}: ${branch} ${restart}; starting it again from ${env.repo.branch}`);
    const onto = base.head && !restart ? base : main;
    const plan = await planEnv(o.env, remote.description, onto, state.desired);
    const result = (status: PromoteResult['status'], extra: Partial<PromoteResult> = {}): PromoteResult => ({
      app: o.app, env: o.env, from: state.current, to: tag!, plan, status, adopted: state.adopted, warnings, message: '', ...extra,
    });
    if (plan.changes.length === 0) {
      if (platform) {
        // The env repo has it: an earlier promotion whose platform-repo half did not happen (or another machine's).
        const recorded = await platform.record(recordRequest(o, env, state, tag!, title(localTag),
          `${o.app} ${tag} is in ${remote.description} already`, main.head!, actor));
        if (recorded.status !== 'unchanged') {
          return result('recorded', { platformRepo: recorded.summary, message: `${o.app} is already ${tag} in ${o.env}'s env repo; recorded it in ${envFile}` });
        }
      }
      const unrecorded = localTag !== tag && !platform ? `; slipway pull records it in ${envFile}` : '';
      return result('skipped', { message: `${o.app} is already ${tag} in ${o.env}${branch && base.head && !restart ? ` (on ${branch})` : ''}; nothing to do${unrecorded}` });
    }
    if (o.dryRun) return result('dry-run', { message: `dry run: nothing written` });
    try {
      const { sha } = await remote.commit({
        parent: onto.head,
        branch,
        write: plan.write,
        delete: plan.delete,
        message: commitMessage(plan, title(state.current), trailers),
        ...(author ? { author } : {}),
        ...(restart ? { replaces: base.head } : {}),
      });
      if (!branch) {
        const recorded = await platform!.record(recordRequest(o, env, state, tag!, title(state.current),
          `${o.app} ${tag} is committed to ${remote.description} (${sha.slice(0, 12)})`, sha, actor));
        return result('committed', { commit: sha, platformRepo: recorded.summary, message: `${title(state.current)}: committed ${sha.slice(0, 12)} to ${remote.description}` });
      }
      const pr = await capability(remote, 'pullRequests').propose(branch, title(state.current), pullRequestBody(plan, o, tag!, state.current));
      if (pr) {
        return result('pull-request', {
          commit: sha, branch, pullRequest: pr,
          message: `${pr.created ? 'opened' : 'updated'} pull request #${pr.number} (${pr.url}) from ${branch}; merge it, then slipway pull`,
        });
      }
      return result('branch-pushed', {
        commit: sha, branch,
        message: `pushed ${branch} to ${remote.description} for review (no pull-request API here): merge it with slipway approve ${o.env} ${o.app} (or a merge request), then slipway pull`,
      });
    } catch (e) {
      if (!(e instanceof BranchMovedError)) throw e;
      if (attempt >= 5) throw new RemoteUnavailableError(`${remote.description}: the branch kept moving; gave up after 5 attempts (nothing was written; run again)`, { cause: e, reason: 'contention' });
      const wait = Math.min(5000, 200 * 2 ** attempt) + Math.floor(Math.random() * 200);
      o.log(`${o.env}: someone committed first; re-reading and re-applying the promotion in ${wait} ms (attempt ${attempt + 1}/5)`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/**
 * The platform-repo half of a direct promotion: this app's tag edit (and the tags adopted from
 * the env repo), re-applicable on a newer head of the platform repo; out/ refreshed along.
 */
function recordRequest(o: PromoteOptions, env: EnvDefinition, state: Reconciled, tag: string, title: string, done: string, envCommit: string, actor: string): RecordRequest {
  const file = `envs/${o.env}.yaml`;
  const recover = `slipway pull --env ${o.env}`;
  const changes = [
    { app: o.app, from: env.apps[o.app]!.tag, to: tag, own: true },
    ...state.adopted.map((a) => ({ app: a.app, from: env.apps[a.app]!.tag, to: a.tag, own: false })),
  ];
  return {
    file,
    edit: tagEdit(file, changes, recover),
    message: [title, '', `Slipway-App: ${o.app}`, `Slipway-Env: ${o.env}`, `Slipway-To: ${tag}`, `Slipway-Env-Commit: ${envCommit}`, `Slipway-Actor: ${actor}`, ''].join('\n'),
    done,
    recover,
    out: {
      paths: outPathsOf(o.env),
      refresh: async (text) => {
        if (!hasOutDir(o.root)) return;
        await refreshOutEnv(o.root, o.env, text === state.envText ? state.desired : await renderEnvFiles(o.root, o.env, text, { crdsDir: o.crdsDir, validate: false }));
      },
    },
  };
}

/**
 * envs/<env>.yaml may carry uncommitted tag edits only when they are what the env repo holds (a
 * promotion that stopped before its platform-repo commit): anything else is someone's edit.
 */
async function checkUncommitted(platform: PlatformRepo | undefined, file: string, tree: RemoteTree, env: EnvDefinition): Promise<void> {
  const pending = platform?.uncommitted.get(file);
  if (!pending) return;
  const repoTags = await committedTags(tree, env, [...pending.tags.keys()]);
  for (const [app, tag] of pending.tags) {
    if (repoTags.get(app) === tag) continue;
    throw new ConfigError(
      `${file} has an uncommitted change: apps.${app}.tag ${tag} (committed: ${pending.committed.get(app) ?? 'none'}; the env repo has ${repoTags.get(app) ?? 'none'}): ` +
      `commit or discard it first (git checkout -- ${file}); nothing was written`);
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
  // current === tag: the env repo has this very promotion already (its platform-repo half is what is left).
  if (current !== undefined && current !== local && current !== tag && !o.force) {
    throw new ConfigError(
      `envs/${o.env}.yaml says ${o.app} ${local}, but the env repo has ${current} (promoted from another machine, or a merged pull request): ` +
      `run slipway pull to adopt it, then promote again (or --force --reason)`);
  }
  const adopted: Array<{ app: string; tag: string }> = [];
  const tags = new Map<string, string>();
  for (const [app, repoTag] of repoTags) {
    if (repoTag === undefined || repoTag === env.apps[app]!.tag) continue;
    if (app === o.app) {
      if (repoTag === tag) tags.set(app, repoTag);
      continue;
    }
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

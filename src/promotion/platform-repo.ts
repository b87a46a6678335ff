/**
 * The platform repo's half of a direct promotion (and of `slipway pull`): envs/<env>.yaml edited,
 * committed alone (with out/envs/<env>/ when out/ is tracked), and pushed to the default branch
 * of the checkout's remote, on top of its fetched head. A plain `git commit` and `git push`: the
 * person's identity, hooks (unless --no-verify) and signing config (commit.gpgsign) apply.
 *
 * A direct promotion writes in this order, and each failure leaves:
 *   1. checks, nothing written anywhere: the lock, git identity, the checkout (on the remote's
 *      default branch, no unpushed commits but slipway's own, below; fast-forwarded to the
 *      fetched head when behind), envs/<env>.yaml clean, both remotes reachable. Refused: exit 1 (4 when a
 *      remote cannot be reached), nothing changed. The one write before 2: slipway's own commits
 *      that a run killed during its push left unpushed (own-commits.ts) are pushed now (taken
 *      back when the remote moved since; the env repo holds what they recorded).
 *   2. the env repo commit (the desired state Argo CD deploys), retried when its branch moved.
 *   3. the platform-repo commit of envs/<env>.yaml and its push, retried when the branch moved:
 *      re-fetch, move the checkout to the fetched head, re-apply the tag edit, commit, push.
 * When 3 fails, the local commit is taken back, so the checkout is as before and the env repo is
 * ahead of envs/: `slipway status` shows it, and `slipway pull` (or the same promote again)
 * records it. A crash between 2 and 3 leaves the same state (or, killed between writing the file
 * and committing it, envs/<env>.yaml with just those tag edits uncommitted: accepted by the next
 * promote or pull, and committed, when they are what the env repo holds; or, killed during the
 * push, the commit on the local branch, unpushed: the next promote or pull pushes it, see 1).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/config-error.js';
import { cappedBackoff, Moved, retryWhenMoved } from '../core/retry.js';
import { RemoteUnavailableError } from '../core/env-remote.js';
import { checkClean, dirty, type UncommittedTags } from './env-file-tags.js';
import { count, gitIn, type Environment, type Git } from './git-run.js';
import { gitIdentities } from './identity.js';
import { ownUnpushed, type OwnCommit } from './own-commits.js';
import {
  BEFORE_WRITING,
  defaultBranch,
  fetchHead,
  gitReason as reason,
  pushHead as push,
  pushRemote,
  type PlatformTarget,
} from './platform-remote.js';

export interface PlatformRepoOptions {
  readonly root: string;
  /** The files the write will commit: each must be clean (or hold only tag edits, see `uncommitted`). */
  readonly files: readonly string[];
  /** Push the commit. @default true; false (--no-push): commit on the checked-out branch only. */
  readonly push?: boolean;
  /** Run git hooks (pre-commit, commit-msg, pre-push). @default true; false: --no-verify. */
  readonly verify?: boolean;
  readonly log: (line: string) => void;
  /** The environment git runs with (the person's: identity, config, ssh). @default process.env */
  readonly environment?: Environment;
}

/** An env file whose uncommitted changes are tag edits only (a promotion that stopped before step 3). */

export interface RecordRequest {
  /** `envs/<env>.yaml`. */
  readonly file: string;
  /** The edit, applied to the file as it is on the head the commit goes on (again on each retry). */
  readonly edit: (text: string) => string;
  readonly message: string;
  /** What is done already elsewhere, for failure lines: "go-demo-9 0.0.2 is in the staging env repo". */
  readonly done: string;
  /** The one command that finishes the job when this fails: `slipway pull --env staging`. */
  readonly recover: string;
  /** out/ kept in step with the file: the paths it writes (committed along when tracked), and the refresh. */
  readonly out?: { readonly paths: readonly string[]; readonly refresh: (text: string) => Promise<void> };
}

export interface RecordResult {
  readonly status: 'pushed' | 'committed' | 'unchanged' | 'not-git';
  readonly commit?: string;
  /** One line for the user. */
  readonly summary: string;
}

export class PlatformRepo {
  private constructor(
    private readonly o: PlatformRepoOptions,
    /** False: not a git checkout; files are written, nothing is committed. */
    readonly isGit: boolean,
    /** The checked-out branch. */
    readonly branch: string | undefined,
    /** Where commits are pushed; undefined with --no-push or without a remote. */
    readonly target: PlatformTarget | undefined,
    /**
     * The checkout moved before anything was read (fast-forwarded to its remote, or slipway's own
     * unpushed commits taken back): its env files must be read again.
     */
    readonly fastForwarded: boolean,
    /** Per file (of `files`): its uncommitted tag edits, when that is all it has. */
    readonly uncommitted: ReadonlyMap<string, UncommittedTags>,
  ) {}

  /** Step 1: every check, before anything is written (see the file comment). */
  static async open(o: PlatformRepoOptions): Promise<PlatformRepo> {
    const git = gitIn(o.root, o.environment);
    const inside = await git.raw(['rev-parse', '--is-inside-work-tree']).then(
      (s) => s.trim() === 'true',
      () => false,
    );
    if (!inside) return new PlatformRepo(o, false, undefined, undefined, false, new Map());
    const ids = await gitIdentities(o.root, o.environment);
    if (!ids.author || !ids.committer) {
      throw new ConfigError(
        `the platform repo's commit needs a git identity and git has none here (${ids.problem ?? 'unknown'}): ` +
          `git config user.name "<your name>" && git config user.email "<you@example.com>", then run again; nothing was written`,
      );
    }
    const branch = (await git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => '')).trim() || undefined;
    if (!branch) {
      throw new ConfigError(
        'the platform repo has no branch checked out (detached HEAD): git switch <its default branch>, then run again; nothing was written',
      );
    }
    let target: PlatformTarget | undefined;
    let fastForwarded = false;
    const remote = o.push === false ? undefined : await pushRemote(git, branch);
    if (remote) {
      const remoteDefault = await defaultBranch(git, o.root, remote, BEFORE_WRITING);
      target = { remote, branch: remoteDefault ?? branch };
      if (branch !== target.branch) {
        throw new ConfigError(
          `the platform repo is on branch '${branch}', but promotions are recorded on ${remote}'s default branch '${target.branch}': ` +
            `git switch ${target.branch} (or --no-push to commit on '${branch}' and push nothing), then run again; nothing was written`,
        );
      }
      let fetched = await fetchHead(git, o.root, target, BEFORE_WRITING);
      if (fetched !== undefined) {
        const ahead = await count(git, `${fetched}..HEAD`);
        if (ahead > 0) {
          // --no-push, or a run stopped during its push, leaves slipway's commit here: pushed now (or
          // taken back); a person's are never pushed.
          const own = await ownUnpushed(git, fetched);
          if (!own) {
            throw new ConfigError(
              `the platform repo's ${branch} holds ${ahead} commit${ahead === 1 ? '' : 's'} not on ${remote}/${branch}: slipway pushes only its own; ` +
                `push them (git push ${remote} ${branch}) or move them to another branch, or use --no-push; nothing was written`,
            );
          }
          const finished = await finishOwn(git, o, target, fetched, own);
          fetched = finished.head;
          fastForwarded = finished.moved;
        }
        const behind = await count(git, `HEAD..${fetched}`);
        if (behind > 0) {
          await moveTo(
            git,
            fetched,
            () =>
              `the platform repo's ${branch} is ${behind} commit${behind === 1 ? '' : 's'} behind ${remote}/${branch} and cannot be fast-forwarded`,
          );
          o.log(`platform repo: ${branch} was ${behind} commit${behind === 1 ? '' : 's'} behind ${remote}/${branch}; fast-forwarded`);
          fastForwarded = true;
        }
      }
    }
    const uncommitted = await checkClean(git, o.root, o.files);
    return new PlatformRepo(o, true, branch, target, fastForwarded, uncommitted);
  }

  /** Where `record` writes, as announced before it does: `pushing to origin main`. */
  get destination(): string {
    if (!this.isGit) return 'not a git repository: written, not committed';
    if (this.target) return `pushing to ${this.target.remote} ${this.target.branch}`;
    return this.o.push === false
      ? `committing on ${this.branch}, not pushing (--no-push)`
      : `committing on ${this.branch} (no remote to push to)`;
  }

  /** Step 3: edit, commit, push; on a moved branch re-fetch, re-apply, retry (5 attempts, core/retry.ts). */
  async record(r: RecordRequest): Promise<RecordResult> {
    const abs = join(this.o.root, r.file);
    if (!this.isGit) {
      const before = readFileSync(abs, 'utf8');
      const next = r.edit(before);
      if (next !== before) writeFileSync(abs, next);
      await r.out?.refresh(next);
      return { status: 'not-git', summary: `${r.file} updated; the platform repo is not a git repository, so nothing was committed` };
    }
    const git = gitIn(this.o.root, this.o.environment);
    const verify = this.o.verify === false ? ['--no-verify'] : [];
    const outPaths = r.out ? await trackedPaths(git, r.out.paths) : [];
    return retryWhenMoved(
      async (attempt): Promise<RecordResult | Moved> => {
        // A retry: the push was rejected and the commit taken back; start again from the fetched head.
        if (attempt > 1) await this.catchUp(git, r);
        const before = readFileSync(abs, 'utf8');
        const next = r.edit(before);
        if (next === before && (await dirty(git, [r.file])).length === 0) {
          await r.out?.refresh(next);
          return { status: 'unchanged', summary: `${r.file} records it already` };
        }
        if (attempt === 1) this.o.log(`${r.file}: ${this.destination}`);
        writeFileSync(abs, next);
        const parent = (await git.raw(['rev-parse', 'HEAD'])).trim();
        try {
          if (outPaths.length > 0) {
            await r.out!.refresh(next);
            await git.raw(['add', '-A', '--', ...outPaths]);
          }
          await git.raw(['commit', ...verify, '-m', r.message, '--', r.file, ...outPaths]);
        } catch (e) {
          writeFileSync(abs, before);
          if (outPaths.length > 0) {
            await git.raw(['reset', '-q', '--', ...outPaths]).catch(() => undefined);
            await r.out!.refresh(before).catch(() => undefined);
          }
          throw new ConfigError(
            `${r.done}, but committing ${r.file} in the platform repo failed (${reason(e)}): fix that, then run ${r.recover}`,
          );
        }
        const head = (await git.raw(['rev-parse', 'HEAD'])).trim();
        const short = head.slice(0, 12);
        if (!this.target) {
          if (outPaths.length === 0) await r.out?.refresh(next);
          return {
            status: 'committed',
            commit: head,
            summary: `${r.file} committed to the platform repo (${short}) on ${this.branch}; ${this.o.push === false ? 'not pushed (--no-push)' : 'no remote to push to'}`,
          };
        }
        const { remote, branch } = this.target;
        const pushed = await push(git, this.target, head, verify);
        if (pushed === 'pushed') {
          if (outPaths.length === 0) await r.out?.refresh(next);
          return { status: 'pushed', commit: head, summary: `${r.file} committed (${short}) and pushed to ${remote} ${branch}` };
        }
        // Not pushed: take the commit back, so the checkout is as it was before step 3.
        await git.raw(['reset', '--keep', parent]);
        if (pushed !== 'rejected') {
          throw new RemoteUnavailableError(
            `${r.done}, but pushing ${r.file} to ${remote} ${branch} failed (${pushed.reason}): run ${r.recover} once that is fixed`,
            { reason: 'network', detail: pushed.detail },
          );
        }
        return new Moved();
      },
      {
        backoffMs: cappedBackoff(200),
        // Only a rejected push gets here, so there is a target.
        onRetry: (wait, next, attempts) =>
          this.o.log(
            `${r.file}: ${this.target!.remote} ${this.target!.branch} moved (someone pushed first); re-applying the edit on its new head in ${wait} ms (attempt ${next}/${attempts})`,
          ),
        gaveUp: (_cause, attempts) =>
          new RemoteUnavailableError(
            `${r.done}, but ${this.target!.remote} ${this.target!.branch} kept moving (${attempts} attempts to push ${r.file}): run ${r.recover}`,
            { reason: 'contention' },
          ),
      },
    );
  }

  /** After a rejected push: fetch the target branch again and move the checkout to its new head. */
  private async catchUp(git: Git, r: RecordRequest): Promise<void> {
    const { remote, branch } = this.target!;
    const fetched = await fetchHead(git, this.o.root, this.target!, {
      lead: `${r.done}, but `,
      unreachable: `run ${r.recover} once it answers`,
      fix: `fix that, then run ${r.recover}`,
    });
    if (fetched !== undefined) {
      await moveTo(
        git,
        fetched,
        () => `${r.done}, but the platform checkout cannot move to the new head of ${remote}/${branch}`,
        r.recover,
      );
    }
  }
}

/**
 * slipway's own commits left unpushed by a run that stopped during its push (own-commits.ts):
 * on top of the fetched head, they are pushed now, as that run would have; when the remote moved
 * since (or refuses them as not a fast-forward), they are taken back, as a failed push takes its
 * commit back: the env repo holds the tags they recorded, and this run (or `slipway pull`)
 * records them again on the remote's new head. Returns the remote head the checkout is on now,
 * and whether its files changed (envs/ must be read again).
 */
async function finishOwn(
  git: Git,
  o: PlatformRepoOptions,
  target: PlatformTarget,
  fetched: string,
  own: readonly OwnCommit[],
): Promise<{ head: string; moved: boolean }> {
  const { remote, branch } = target;
  const them = own.length === 1 ? 'it' : 'them';
  const list = own.map((c) => `${c.sha.slice(0, 12)} ${c.title}`).join('; ');
  const commits = `slipway's own commit${own.length === 1 ? '' : 's'} not on ${remote}/${branch} (${list})`;
  let head = fetched;
  if ((await count(git, `HEAD..${fetched}`)) === 0) {
    o.log(
      `platform repo: ${branch} holds ${commits}, left unpushed (by --no-push, or a run that stopped before its push): pushing ${them}`,
    );
    const local = (await git.raw(['rev-parse', 'HEAD'])).trim();
    const pushed = await push(git, target, local, o.verify === false ? ['--no-verify'] : []);
    if (pushed === 'pushed') {
      await git.raw(['update-ref', `refs/remotes/${remote}/${branch}`, local]);
      return { head: local, moved: false };
    }
    if (pushed !== 'rejected') {
      throw new RemoteUnavailableError(
        `the platform repo's ${branch} holds ${commits}, and pushing ${them} to ${remote} ${branch} failed (${pushed.reason}): run again once that is fixed; nothing else was written`,
        { reason: 'network', detail: pushed.detail },
      );
    }
    // Someone pushed since the fetch: take them back on the new head, below.
    head = (await fetchHead(git, o.root, target, BEFORE_WRITING)) ?? fetched;
  }
  await moveTo(git, head, () => `the platform repo's ${branch} holds ${commits}, and ${remote}/${branch} moved since`);
  o.log(
    `platform repo: took back ${commits}: ${remote}/${branch} moved since; the env repo holds the tags ${them === 'it' ? 'it records' : 'they record'}, recorded again on the new head`,
  );
  return { head, moved: true };
}

/** `git reset --keep <commit>`: moves the branch and the files it changed; local changes stay (or it refuses). */
async function moveTo(git: Git, commit: string, what: () => string, recover?: string): Promise<void> {
  try {
    await git.raw(['reset', '--keep', commit]);
  } catch (e) {
    throw new ConfigError(
      `${what()} (${reason(e)}): commit or stash your local changes, then run ${recover ?? 'again; nothing was written'}`,
    );
  }
}

/** Paths among `paths` that git tracks (out/ committed in the platform repo). */
async function trackedPaths(git: Git, paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) if ((await git.raw(['ls-files', '--', p])).trim() !== '') out.push(p);
  return out;
}

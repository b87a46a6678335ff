/**
 * What the promotion steps share: the options, and each step's output under its own name, so a
 * step reads only what earlier steps produced (`need` says which step did not run when one is
 * missing: a pipeline in the wrong order, a bug, never the user's problem).
 */
import type { EnvDefinition } from '../../../generators/environment.js';
import type { Plan } from '../../plan/plan.js';
import type { EnvRemote, RemoteTree } from '../../core/env-remote.js';
import type { RemoteContext } from '../../publish/remotes.js';
import type { GitIdentity } from '../identity.js';
import type { BundleDecision, BundleOptions, BundleResult } from '../bundle.js';
import type { LatestPick } from '../latest.js';
import type { PlatformRepo } from '../platform-repo.js';
import type { PromoteOptions, PromoteResult, PromotionFlags } from '../promote.js';

/** One app's tag change: a promotion makes one, a bundle several (in one commit). */
export interface Move {
  readonly app: string;
  readonly tag: string;
  /** The env whose repo the tag was read from (--from): the gate passes when it is the env's promotesFrom. */
  readonly promotedFrom?: string;
  /** --latest, track: the registry's pick (the trailer's policy, the reason). */
  readonly tracked?: LatestPick;
  /** What the env repo ran when the tag was picked (a bundle's decisions show it). */
  readonly deployed?: string;
}

/** resolve: the envs, the platform repo (direct promotions), the tag(s). */
interface Resolved {
  readonly envs: ReadonlyMap<string, EnvDefinition>;
  readonly env: EnvDefinition;
  /** `envs/<env>.yaml` */
  readonly envFile: string;
  readonly remoteContext: RemoteContext;
  readonly platform: PlatformRepo | undefined;
  /** What to change: one app (promote), or every app of a bundle that differs. */
  readonly moves: readonly Move[];
  /** A bundle's apps left out already (up to date, not in the source env, no registry match…). */
  readonly decided: readonly BundleDecision[];
  /**
   * The env repo as resolve read it (a bundle, --latest), with its remote: route commits through
   * that remote and edit-envs starts from this read instead of fetching again. A branch that
   * moved since is caught as always: the commit is refused, and the retry reads afresh.
   */
  readonly envRepo?: { readonly remote: EnvRemote; readonly tree: RemoteTree };
}

/** gate: the moves the gate let through; a bundle's blocked ones (with --skip-blocked) as decisions. */
interface Gated {
  readonly moves: readonly Move[];
  readonly blocked: readonly BundleDecision[];
}

/** route: where the commit goes and in whose name. */
interface Routed {
  readonly remote: EnvRemote;
  /** --direct in a `promotion: pr` env: review bypassed (trailer, warning). */
  readonly bypass: boolean;
  readonly usePr: boolean;
  readonly warnings: readonly string[];
  /** The commit's title, given the moves and the tag each moves from. */
  readonly title: (moves: readonly Move[], from: (app: string) => string | undefined) => string;
  readonly source: string;
  readonly actor: string;
  readonly author: GitIdentity | undefined;
  /** envs/<env>.yaml as the checkout has it. */
  readonly envText: string;
}

/** edit-envs: the promotion applied to envs/<env>.yaml on top of what the env repo holds now. */
interface Edited {
  /** The env repo's branch as read on this attempt. */
  readonly main: RemoteTree;
  /** The moves this attempt commits (a bundle with --skip-blocked drops those changed meanwhile). */
  readonly moves: readonly Move[];
  /** Each moving app's tag in the env repo now (its "from"). */
  readonly current: ReadonlyMap<string, string | undefined>;
  /** A bundle's moves dropped on this attempt (changed in the env repo meanwhile). */
  readonly dropped: readonly BundleDecision[];
  readonly adopted: ReadonlyArray<{ app: string; tag: string }>;
  /** The env file with only the adopted tags (what the env repo should hold now). */
  readonly before: string;
  /** The env file after the promotion (and adopted tags). */
  readonly after: string;
}

/** render: the env repo's files after the promotion. */
interface Rendered {
  readonly desired: ReadonlyMap<string, string>;
}

/** commit-env-repo: what the env-repo half did. */
export interface EnvCommit {
  readonly status: 'unchanged' | 'dry-run' | 'committed' | 'pull-request' | 'branch-pushed';
  /** What the commit changes (none: a bundle with nothing left to move). */
  readonly plan?: Plan;
  readonly commit?: string;
  readonly branch?: string;
  readonly pullRequest?: PromoteResult['pullRequest'];
  /** unchanged: the promotion branch it is on already, when it is there (PR mode). */
  readonly onBranch?: string;
  /** pull-request, branch-pushed: the line for the user. */
  readonly message?: string;
}

/** commit-platform-repo: envs/<env>.yaml committed (direct), or brought in step (recorded). */
interface PlatformCommit {
  readonly status: 'committed' | 'recorded';
  readonly summary: string;
}

export interface PromotionContext {
  /** What every step reads: the env and the flags. */
  readonly o: PromotionFlags;
  /** `promote <app>`: the app and where its tag comes from (the resolve step reads it). */
  readonly single?: PromoteOptions;
  /** `promote --all`, track, a bundle's rollback: the apps and where their tags come from. */
  readonly bundle?: BundleOptions;
  resolved?: Resolved;
  gated?: Gated;
  routed?: Routed;
  edited?: Edited;
  rendered?: Rendered;
  envCommit?: EnvCommit;
  platformCommit?: PlatformCommit;
  /** report: what `promote` returns. */
  result?: PromoteResult;
  /** report-bundle: what `promoteBundle` returns. */
  bundleResult?: BundleResult;
}

/** Texts and trailers name one app for a promotion of one (a bundle of one reads as one too). */
export function isBundle(moves: readonly Move[]): boolean {
  return moves.length > 1;
}

export { need } from '../../core/step-runner.js';

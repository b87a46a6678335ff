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
import type { LatestPick } from '../latest.js';
import type { PlatformRepo } from '../platform-repo.js';
import type { PromoteOptions, PromoteResult } from '../promote.js';

/** resolve: the envs, the platform repo (direct promotions), the tag. */
interface Resolved {
  readonly envs: ReadonlyMap<string, EnvDefinition>;
  readonly env: EnvDefinition;
  /** `envs/<env>.yaml` */
  readonly envFile: string;
  readonly remoteContext: RemoteContext;
  readonly platform: PlatformRepo | undefined;
  readonly tag: string;
  /** --latest: the registry's pick (the trailer's policy, the result's reason). */
  readonly tracked?: LatestPick;
}

/** route: where the commit goes and in whose name. */
interface Routed {
  readonly remote: EnvRemote;
  /** --direct in a `promotion: pr` env: review bypassed (trailer, warning). */
  readonly bypass: boolean;
  readonly usePr: boolean;
  readonly warnings: readonly string[];
  /** The commit's title, given the tag it moves from. */
  readonly title: (from: string | undefined) => string;
  readonly source: string;
  readonly actor: string;
  readonly author: GitIdentity | undefined;
  /** envs/<env>.yaml as the checkout has it. */
  readonly envText: string;
  /** The app's tag in envs/<env>.yaml. */
  readonly localTag: string | undefined;
}

/** edit-envs: the promotion applied to envs/<env>.yaml on top of what the env repo holds now. */
export interface Edited {
  /** The env repo's branch as read on this attempt. */
  readonly main: RemoteTree;
  /** The app's tag in the env repo now (the promotion's "from"). */
  readonly current: string | undefined;
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
  readonly plan: Plan;
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
  readonly o: PromoteOptions;
  resolved?: Resolved;
  routed?: Routed;
  edited?: Edited;
  rendered?: Rendered;
  envCommit?: EnvCommit;
  platformCommit?: PlatformCommit;
  /** report: what `promote` returns. */
  result?: PromoteResult;
}

export { need } from '../../core/step-runner.js';

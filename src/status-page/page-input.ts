/**
 * What the status page is made from: the facts `slipway status --html` gathers (gather.ts) from
 * envs/ and the env repos, as plain data. The page model (page-model.ts) is a pure function of
 * this, so a test can hand it known facts and the page needs no remote to be rendered.
 */
import type { HistoryEntry } from '../promotion/history.js';
import type { RegistryStanding } from '../registry/registry-standing.js';

export interface StatusPageInput {
  /** When the page was made (ISO 8601): shown in one place only, so pages compare byte for byte. */
  readonly generatedAt: string;
  /** Promotions listed per app and env. */
  readonly historyLimit: number;
  /** The envs shown, in the order of envs/ (the model puts them in promotion order). */
  readonly envs: readonly EnvFacts[];
  /** Where the platform repo and the env repos disagree, with the command that reconciles each. */
  readonly disagreements: ReadonlyArray<{ readonly message: string; readonly reconcile: string }>;
}

export interface EnvFacts {
  readonly name: string;
  readonly promotesFrom: string | undefined;
  readonly promotion: 'direct' | 'pr';
  readonly render: 'helm' | 'manifests';
  readonly repo: RepoFacts;
  /** Every cluster it deploys to (a fleet has several). */
  readonly clusters: ReadonlyArray<{ readonly name: string; readonly server: string }>;
  /** Why the env repo could not be read; the other fields then come from envs/ only. */
  readonly unreadable?: string;
  /** The env repo branch's head (undefined: empty, never bootstrapped). */
  readonly head?: string;
  /** The platform components as committed in the env repo. */
  readonly platform: readonly PlatformPin[];
  /** Every app of the env file (disabled ones too), in file order. */
  readonly apps: readonly AppFacts[];
}

export interface RepoFacts {
  readonly kind: 'github' | 'url' | 'path';
  /** As written in the env file (where slipway pushes). */
  readonly location: string;
  readonly branch: string;
  /** What Argo CD pulls. */
  readonly url: string;
  /** GitHub's API root, for the web address of a GitHub Enterprise repo (kind github only). */
  readonly githubApiUrl?: string;
}

/** One platform component's Application (or ApplicationSet), as committed. */
export interface PlatformPin {
  /** The component (`istio`), from the `slipway.dev/platform` label. */
  readonly component: string;
  /** The Application's name (`production-istiod`). */
  readonly name: string;
  /** The Helm chart and its pinned version; undefined for a path in the env repo itself. */
  readonly chart?: string;
  readonly version?: string;
  /** The chart repository, or for a path source, the path (`platform/knative-serving`). */
  readonly source: string;
}

export interface AppFacts {
  readonly app: string;
  readonly enabled: boolean;
  /** The tag in envs/<env>.yaml. */
  readonly declared: string;
  /** The tag in the env repo (undefined: not deployed there). */
  readonly committed?: string;
  /** How it is delivered, as committed in the env repo. */
  readonly delivery?: DeliveryFacts;
  /** Its history on the env repo's branch, newest first (`slipway history`). */
  readonly history: readonly HistoryEntry[];
  /** Whether `history` is everything (the walk ended before its limit). */
  readonly historyComplete: boolean;
  /** A promotion waiting for review. */
  readonly pending?: PendingFacts;
  /** `status --html --registry`, apps with a track policy: the newest tag it allows in the registry. */
  readonly registry?: RegistryStanding;
}

interface PendingFacts {
  readonly branch: string;
  readonly head: string;
  readonly pullRequest?: { readonly number: number; readonly url: string };
  /** The tag the branch would bring (undefined: it could not be read from the branch). */
  readonly tag?: string;
}

/** A canary step as the Rollout has it: a weight, or a pause (no duration: waits for a person). */
export type CanaryStep = { readonly setWeight: number } | { readonly pause: string | undefined };

export type DeliveryFacts =
  | {
      readonly kind: 'deployment';
      readonly replicas?: number;
      readonly autoscaling?: { readonly min: number; readonly max: number };
    }
  | {
      readonly kind: 'canary';
      readonly steps: readonly CanaryStep[];
      /** Prometheus analysis: from which step index, when on. */
      readonly analysis: { readonly startingStep: number } | undefined;
      readonly autoscaling?: { readonly min: number; readonly max: number };
    }
  | { readonly kind: 'knative'; readonly minScale?: number; readonly maxScale?: number };

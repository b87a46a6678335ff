/**
 * The CustomResourceDefinitions of exactly the controller versions slipway installs: for each,
 * where upstream publishes each file (a release tag) and the sha256 of its bytes there. URLs and
 * hashes only, never the CRDs themselves: `slipway crds pull` downloads them into the platform
 * repo's cache (crd-cache.ts) and refuses any other bytes.
 *
 * The version is the one the pinned chart runs (its `appVersion`, see generators/platform-components/):
 * the CRDs the cluster will really enforce. Each sha256 is that of the file at the tag in the
 * upstream repository (`git show <tag>:<path> | sha256sum`). Cross-checked where a copy exists:
 * Argo Rollouts v1.9.0's four files are byte-identical to v1.9.1's; Istio's file is
 * byte-identical to `files/crd-all.gen.yaml` in the istio `base` chart 1.30.3 the platform
 * installs; Knative's are the files of their knative-v1.23.0 tags.
 *
 * Every URL is on raw.githubusercontent.com, so a mirror keeps each file at its upstream path
 * (`<base-url>/<owner>/<repo>/<tag>/<path>`, see `mirrorUrl`). Bumping a chart means a new row
 * here: test/crds/pinned-crds.test.ts holds each row against the chart pins.
 */

/** One file of a component's CRDs. */
export interface PinnedCrdFile {
  /** Where upstream publishes it, at the release tag. */
  readonly url: string;
  /** Hex sha256 of the upstream bytes. */
  readonly sha256: string;
}

/** The CRDs one controller version defines, as slipway validates against them. */
export interface PinnedCrds {
  /** `argo-cd`, `knative-operator`...: the cache folder is `<component>-<version>`. */
  readonly component: string;
  /** The controller's version (the pinned chart's appVersion). */
  readonly version: string;
  /** The chart that installs this version (`<chart>@<version>`), for messages and the pin test. */
  readonly chart: string;
  /** The kinds slipway generates that these CRDs define (`group/Kind`). */
  readonly kinds: readonly string[];
  readonly files: readonly PinnedCrdFile[];
}

const RAW = 'https://raw.githubusercontent.com';

export const PINNED_CRDS: readonly PinnedCrds[] = [
  {
    component: 'argo-cd',
    version: 'v3.4.4',
    chart: 'argo-cd@10.1.1',
    kinds: ['argoproj.io/Application', 'argoproj.io/ApplicationSet', 'argoproj.io/AppProject'],
    files: [
      {
        url: `${RAW}/argoproj/argo-cd/v3.4.4/manifests/crds/application-crd.yaml`,
        sha256: 'fa8a0c7f8127f85bbbf57467e7c659ec7d47e7d162cc76c1b07482ebf2b98f49',
      },
      {
        url: `${RAW}/argoproj/argo-cd/v3.4.4/manifests/crds/applicationset-crd.yaml`,
        sha256: '51f69883c692698fbcf3c82455c07c0f6413899ac9d96565a9e8395c0196f58d',
      },
      {
        url: `${RAW}/argoproj/argo-cd/v3.4.4/manifests/crds/appproject-crd.yaml`,
        sha256: '7b99337686905b444864c84b1305938a7bfbca9b5f4e2c5d5d2de4acae16ceb3',
      },
    ],
  },
  {
    component: 'argo-rollouts',
    version: 'v1.9.0',
    chart: 'argo-rollouts@2.41.0',
    kinds: ['argoproj.io/Rollout', 'argoproj.io/AnalysisTemplate'],
    files: [
      {
        url: `${RAW}/argoproj/argo-rollouts/v1.9.0/manifests/crds/rollout-crd.yaml`,
        sha256: 'd79c0dab9bb386b1c9329fb69cf0d843fff2152b3f7916839755c1aabc7387f5',
      },
      {
        url: `${RAW}/argoproj/argo-rollouts/v1.9.0/manifests/crds/analysis-template-crd.yaml`,
        sha256: '96a871705477bb8876f91630789ce753c8291f0ff5457a8cbc781ff150522369',
      },
      {
        url: `${RAW}/argoproj/argo-rollouts/v1.9.0/manifests/crds/cluster-analysis-template-crd.yaml`,
        sha256: '265283fa1dbf10a6b37c3b1e0ece97fa7fe561ca66da8521ca4b194297b31882',
      },
      {
        url: `${RAW}/argoproj/argo-rollouts/v1.9.0/manifests/crds/analysis-run-crd.yaml`,
        sha256: 'eb1052e728aeb5e46eb1c1202958585eb48edc5ba25b406b7b41c1049009477d',
      },
    ],
  },
  {
    // istio/api generates the file the istio `base` chart copies as files/crd-all.gen.yaml.
    component: 'istio',
    version: '1.30.3',
    chart: 'base@1.30.3',
    kinds: ['networking.istio.io/VirtualService', 'networking.istio.io/Gateway'],
    files: [
      {
        url: `${RAW}/istio/api/1.30.3/kubernetes/customresourcedefinitions.gen.yaml`,
        sha256: 'dcb43ff6b9af2f629b80b6a82597f5a91db259c757e66cc5353ac007da28351a',
      },
    ],
  },
  {
    // The operator (chart knative-operator v1.23.0) installs Knative Serving of its own release.
    component: 'knative-serving',
    version: 'v1.23.0',
    chart: 'knative-operator@v1.23.0',
    kinds: ['serving.knative.dev/Service', 'serving.knative.dev/DomainMapping'],
    files: [
      {
        url: `${RAW}/knative/serving/knative-v1.23.0/config/core/300-resources/service.yaml`,
        sha256: '2df2faa748f4d8e9470a2a5e9f208d7310aa89fc8cad1f2b1b9941fefe3def33',
      },
      {
        url: `${RAW}/knative/serving/knative-v1.23.0/config/core/300-resources/domain-mapping.yaml`,
        sha256: '6913d57ccee28f69a9eeffd932121a2359f9a24bb52aab537092922e16ecd874',
      },
    ],
  },
  {
    component: 'knative-operator',
    version: 'v1.23.0',
    chart: 'knative-operator@v1.23.0',
    kinds: ['operator.knative.dev/KnativeServing'],
    files: [
      {
        url: `${RAW}/knative/operator/knative-v1.23.0/config/crd/bases/operator.knative.dev_knativeservings.yaml`,
        sha256: '5b2406b791d2f634c354c482f88eead13e1d39ff65687c70083ede91f1199bc7',
      },
    ],
  },
];

/** The cache folder's name: `argo-cd-v3.4.4`. */
export function cacheName(pin: PinnedCrds): string {
  return `${pin.component}-${pin.version}`;
}

/** The file's name in the cache: the last segment of its upstream path. */
export function cacheFileName(file: PinnedCrdFile): string {
  return new URL(file.url).pathname.split('/').pop()!;
}

/**
 * Where a mirror keeps an upstream file: the upstream path under the mirror's base URL
 * (`https://raw.githubusercontent.com/argoproj/argo-cd/v3.4.4/manifests/crds/x.yaml` with
 * `https://mirror.example/crds` → `https://mirror.example/crds/argoproj/argo-cd/v3.4.4/manifests/crds/x.yaml`).
 * Without a base URL, the upstream URL itself.
 */
export function mirrorUrl(file: PinnedCrdFile, baseUrl: string | undefined): string {
  if (baseUrl === undefined) return file.url;
  return `${baseUrl.replace(/\/+$/, '')}${new URL(file.url).pathname}`;
}

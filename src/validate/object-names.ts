/**
 * Object names and namespaces, checked as the API server checks them: `ValidateObjectMeta`
 * (k8s.io/apimachinery pkg/api/validation/objectmeta.go) runs the kind's name function on
 * `metadata.name` and `ValidateNamespaceName` on `metadata.namespace`. slipway also names files
 * after objects (`manifests/<app>/<kind>-<name>.yaml`, chart templates), so a name Kubernetes
 * would refuse (`x/../../tmp/pwned`) is refused here, before anything is written.
 */
import type { K8sObject } from '../../generators/app-objects.js';
import { isCoreKind } from './core-schemas.js';

type NameFormat = 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label' | 'path-segment';

interface NameRule {
  readonly format: NameFormat;
  /** A tighter length limit than the format's own. */
  readonly maxLength?: number;
  readonly why?: string;
  /** Where Kubernetes (or the controller) says so. */
  readonly source: string;
}

/**
 * `<group>/<Kind>` (core group empty) → the name rule, where it is not the default DNS-1123
 * subdomain. Paths are in k8s.io/kubernetes unless said otherwise.
 */
const NAME_RULES: Readonly<Record<string, NameRule>> = {
  '/Service': {
    format: 'dns1035-label',
    source:
      'pkg/apis/core/validation/validation.go: ValidateServiceName = NameIsDNS1035Label (1.34+ may relax it to a DNS-1123 label behind RelaxedServiceNameValidation; the stricter rule holds on every version)',
  },
  '/Namespace': { format: 'dns1123-label', source: 'pkg/apis/core/validation/validation.go: ValidateNamespaceName = NameIsDNSLabel' },
  'apps/StatefulSet': {
    format: 'dns1123-label',
    source:
      "pkg/apis/apps/validation/validation.go: ValidateStatefulSetName (NameIsDNSLabel in current releases; older ones took a subdomain, but the pods' hostnames <name>-<ordinal> must be labels anyway)",
  },
  'batch/CronJob': {
    format: 'dns1123-subdomain',
    maxLength: 52,
    why: 'the Jobs it creates append an 11-character -<timestamp>',
    source: 'pkg/apis/batch/validation/validation.go: ValidateCronJobCreate, len(name) > DNS1035LabelMaxLength-11',
  },
  'rbac.authorization.k8s.io/Role': {
    format: 'path-segment',
    source: 'pkg/apis/rbac/validation/validation.go: ValidateRBACName = path.IsValidPathSegmentName',
  },
  'rbac.authorization.k8s.io/RoleBinding': { format: 'path-segment', source: 'pkg/apis/rbac/validation/validation.go: ValidateRBACName' },
  'rbac.authorization.k8s.io/ClusterRole': { format: 'path-segment', source: 'pkg/apis/rbac/validation/validation.go: ValidateRBACName' },
  'rbac.authorization.k8s.io/ClusterRoleBinding': {
    format: 'path-segment',
    source: 'pkg/apis/rbac/validation/validation.go: ValidateRBACName',
  },
  'policy/PodDisruptionBudget': {
    format: 'path-segment',
    source:
      "pkg/apis/policy/validation/validation.go: ValidatePodDisruptionBudget passes no name function; rest.BeforeCreate's path.ValidatePathSegmentName is the only check",
  },
  'serving.knative.dev/Service': {
    format: 'dns1035-label',
    source:
      'knative.dev/pkg apis/metadata_validation.go: ValidateObjectMetadata, NameIsDNS1035Label (Knative names a Kubernetes Service after it)',
  },
};

/**
 * Every other kind: ConfigMap (ValidateConfigMapName), Secret (ValidateSecretName), Deployment,
 * Job, Ingress, HorizontalPodAutoscaler... all `NameIsDNSSubdomain`, and every custom resource
 * (k8s.io/apiextensions-apiserver pkg/registry/customresource/validator.go: NameIsDNSSubdomain).
 */
const DEFAULT_RULE: NameRule = { format: 'dns1123-subdomain', source: 'apimachinery NameIsDNSSubdomain' };

// k8s.io/apimachinery pkg/util/validation/validation.go
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const FORMATS: Readonly<Record<NameFormat, { test: (name: string) => boolean; rule: string }>> = {
  'dns1123-subdomain': {
    test: (n) => n.length <= 253 && DNS1123_SUBDOMAIN.test(n),
    rule: "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
  },
  'dns1123-label': {
    test: (n) => n.length <= 63 && DNS1123_LABEL.test(n),
    rule: "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
  },
  'dns1035-label': {
    test: (n) => n.length <= 63 && DNS1035_LABEL.test(n),
    rule: "a DNS-1035 label: lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters",
  },
  'path-segment': {
    test: (n) => n !== '' && n !== '.' && n !== '..' && !n.includes('/') && !n.includes('%'),
    rule: "a path segment: not empty, '.' or '..', and without '/' or '%'",
  },
};

function nameRuleOf(apiVersion: string, kind: string): NameRule {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return NAME_RULES[`${group}/${kind}`] ?? DEFAULT_RULE;
}

/** What is wrong with an object's `metadata.name` and `metadata.namespace` (their format only). */
export function nameProblems(obj: K8sObject): string[] {
  const problems: string[] = [];
  const metadata = obj.metadata as Record<string, unknown> | undefined;
  const name = metadata?.['name'];
  if (name === undefined) {
    // The schema check reports it for built-in kinds; custom resources need a name as much.
    if (metadata?.['generateName'] === undefined && !isCoreKind(obj.apiVersion, obj.kind))
      problems.push('metadata.name: missing required field "name"');
  } else if (typeof name !== 'string') {
    problems.push(`metadata.name: must be a string, not ${JSON.stringify(name)}`);
  } else {
    const rule = nameRuleOf(obj.apiVersion, obj.kind);
    if (!FORMATS[rule.format].test(name)) {
      problems.push(`metadata.name: ${quote(name)} is not a valid ${obj.kind} name: it must be ${FORMATS[rule.format].rule}`);
    } else if (rule.maxLength !== undefined && name.length > rule.maxLength) {
      problems.push(`metadata.name: ${quote(name)} is not a valid ${obj.kind} name: at most ${rule.maxLength} characters (${rule.why})`);
    }
  }
  const namespace = metadata?.['namespace'];
  if (namespace !== undefined && (typeof namespace !== 'string' || !FORMATS['dns1123-label'].test(namespace))) {
    problems.push(
      `metadata.namespace: ${typeof namespace === 'string' ? quote(namespace) : JSON.stringify(namespace)} is not a namespace name: it must be ${FORMATS['dns1123-label'].rule}`,
    );
  }
  return problems;
}

/** `Kind/name` for messages: long names cut, so one bad name cannot flood the output. */
export function objectId(obj: K8sObject): string {
  return `${String(obj.kind)}/${shorten(String(obj.metadata?.name))}`;
}

function quote(value: string): string {
  return `'${shorten(value)}'`;
}

function shorten(value: string): string {
  return value.length > 100 ? `${value.slice(0, 100)}… (${value.length} characters)` : value;
}

/**
 * The Kubernetes objects of one app, built on cdk8s from a `ValueSource` (see value-source.ts):
 * the same code yields an environment's manifests and the chart's templates.
 *
 * Objects are cdk8s `ApiObject`s with JSON written field by field (generators/objects/), not
 * cdk8s-plus L2 constructs: cdk8s-plus would add a startupProbe, `imagePullPolicy: Always` and a
 * `cdk8s.io/metadata.addr` selector label, and its typed setters cannot carry Helm expressions.
 * cdk8s-plus stays available to apps through the `extend` escape hatch.
 */
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import type { AppDefinition } from './app-definition.js';
import { canaryDocuments } from './objects/canary.js';
import { deploymentDocuments } from './objects/deployment.js';
import { knativeDocuments } from './objects/knative.js';
import type { K8sObject } from './objects/k8s-object.js';
import type { Document } from './objects/workload.js';
import { isMarker, MARKER, selectorLabelsOf, type Condition, type ValueSource } from './value-source.js';

export type { K8sObject } from './objects/k8s-object.js';

const DOCUMENTS: Record<AppDefinition['delivery']['kind'], (app: AppDefinition, src: ValueSource) => Document[]> = {
  deployment: deploymentDocuments,
  canary: canaryDocuments,
  knative: knativeDocuments,
};

/** Builds an app's objects, in a stable order (the order cdk8s keeps: construct creation). */
export function buildAppObjects(app: AppDefinition, src: ValueSource): K8sObject[] {
  // One App per generated app: cdk8s synthesis of one App with many charts is quadratic.
  const chart = new Chart(new App({ outdir: '/dev/null' }), app.name);
  for (const { id, object } of DOCUMENTS[app.delivery.kind](app, src)) addDocument(chart, id, object);

  const own = new Set(chart.node.findAll());
  app.extend?.(chart, { name: app.name, selectorLabels: selectorLabelsOf(app.name) });
  // Objects from the escape hatch get the standard labels too, next to their own.
  for (const node of chart.node.findAll()) {
    if (own.has(node) || !(node instanceof ApiObject)) continue;
    const labels = (node.metadata.toJson() as { labels?: Record<string, string> }).labels ?? {};
    node.addJsonPatch(JsonPatch.add('/metadata/labels', src.labels(labels)));
  }
  return (chart.toJson() as K8sObject[]).map((o) => withoutAbsentItems(o));
}

/** List items a `when` left out are `undefined` in the concrete render: drop them (cdk8s keeps them). */
function withoutAbsentItems<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(withoutAbsentItems) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutAbsentItems(v)])) as T;
  }
  return value;
}

/** Adds a document that a toggle may leave out (see `ValueSource.when`). */
function addDocument(chart: Chart, id: string, doc: K8sObject | undefined): void {
  if (doc === undefined) return;
  if (isMarker(doc)) {
    const data = doc[MARKER] as { condition: Condition; value: K8sObject };
    new ConditionalObject(chart, id, data.condition, data.value);
  } else {
    new ApiObject(chart, id, doc);
  }
}

/** An object the chart renders only when a condition holds: serializes to a `when` marker. */
class ConditionalObject extends ApiObject {
  private readonly condition: Condition;

  constructor(scope: Chart, id: string, condition: Condition, props: K8sObject) {
    super(scope, id, props);
    this.condition = condition;
  }

  override toJson(): any {
    return { [MARKER]: { op: 'when', condition: this.condition, value: super.toJson() } };
  }
}

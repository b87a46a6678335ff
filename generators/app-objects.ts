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
import { groupOf } from './argocd.js';
import type { K8sObject } from './objects/k8s-object.js';
import { isMarker, marker, MARKER, selectorLabelsOf, type Condition, type ValueSource } from './value-source.js';

export type { K8sObject } from './objects/k8s-object.js';

/** Builds an app's objects, in a stable order (the order cdk8s keeps: construct creation). */
export function buildAppObjects(app: AppDefinition, src: ValueSource): K8sObject[] {
  // One App per generated app: cdk8s synthesis of one App with many charts is quadratic.
  const chart = new Chart(new App({ outdir: '/dev/null' }), app.name);
  const kind = app.delivery.module;
  for (const { id, object } of kind.documents(app, src)) {
    const inner = object !== undefined && isMarker(object) ? (object[MARKER] as { value: K8sObject }).value : object;
    // The kind's projectKinds are what the env's AppProject is held to (test/generators): an
    // object of another kind is a bug in the kind's module, not something to permit quietly.
    if (inner && !kind.projectKinds.some((gk) => gk.kind === inner.kind && gk.group === groupOf(inner.apiVersion))) {
      throw new Error(`delivery kind ${kind.name} renders ${inner.apiVersion} ${inner.kind}, which its projectKinds do not list`);
    }
    addDocument(chart, id, object);
  }

  const own = new Set(chart.node.findAll());
  app.extend?.(chart, { name: app.name, selectorLabels: selectorLabelsOf(app.name) });
  // Objects from the escape hatch get the standard labels too, next to their own. A JSON patch
  // puts an empty map where cdk8s places labels; the labels themselves are set on the serialized
  // object, because cdk8s deep-clones patches as JSON, which would strip the brand that makes the
  // labels marker a marker (see value-source.ts).
  for (const node of chart.node.findAll()) {
    if (own.has(node) || !(node instanceof ApiObject)) continue;
    const labels = (node.metadata.toJson() as { labels?: Record<string, string> }).labels ?? {};
    node.addJsonPatch(JsonPatch.add('/metadata/labels', {}));
    const serialize = directSerializer(node) ?? node.toJson.bind(node);
    Object.defineProperty(node, 'toJson', {
      value: () => {
        const json = serialize() as K8sObject;
        json.metadata.labels = src.labels(labels);
        return json;
      },
      configurable: true,
    });
  }
  return (chart.toJson() as K8sObject[]).map((o) => withoutAbsentItems(o));
}

/**
 * The generated L1 classes of cdk8s-plus (`KubeConfigMap`, `KubeSecret`, and any `cdk8s import`)
 * convert their props with `toJson_*` functions that copy a map one entry at a time with
 * `{ ...r, [k]: v }`: quadratic in its size. A 5,000-key ConfigMap took 11-15 s per render (three
 * renders per app and env), 50,000 keys over 15 minutes. For a v1 ConfigMap or Secret that
 * conversion is the identity on what `ApiObject.toJson` already produced (every field of
 * ObjectMeta and of the two kinds has the same name in TypeScript and JSON; `data`, `binaryData`
 * and `stringData` are string maps; sanitizing already dropped undefined entries and sorted keys,
 * the order the converters emit), so those objects skip it: 5,000 keys now take 40 ms, 50,000
 * keys under a second. Other kinds keep their converter (undefined: serialize as usual).
 */
export function directSerializer(node: ApiObject): (() => unknown) | undefined {
  if (node.apiVersion !== 'v1' || (node.kind !== 'ConfigMap' && node.kind !== 'Secret')) return undefined;
  // Only a generated L1's converter (its class declares the static GVK); a hand-written toJson stays.
  let proto = Object.getPrototypeOf(node) as object;
  while (!Object.hasOwn(proto, 'toJson')) proto = Object.getPrototypeOf(proto) as object;
  if (proto === ApiObject.prototype || !Object.hasOwn(proto.constructor, 'GVK')) return undefined;
  return () => {
    // In the order the converter writes: apiVersion, kind, metadata, then the fields (and those of
    // ObjectMeta) alphabetically, as the generated code declares them.
    const { apiVersion, kind, metadata, ...fields } = ApiObject.prototype.toJson.call(node) as K8sObject;
    return { apiVersion, kind, metadata: sortedKeys(metadata), ...sortedKeys(fields) };
  };
}

function sortedKeys<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}

/**
 * List items a `when` left out are `undefined` in the concrete render: drop them (cdk8s keeps them).
 * Only what holds such an item is copied; the rest is returned as is (cdk8s' toJson made it fresh):
 * copying every object took ~0.2 s of a 1000-app synth.
 */
function withoutAbsentItems<T>(value: T): T {
  if (Array.isArray(value)) {
    let changed = false;
    const kept: unknown[] = [];
    for (const item of value) {
      if (item === undefined) {
        changed = true;
        continue;
      }
      const cleaned = withoutAbsentItems(item);
      changed ||= cleaned !== item;
      kept.push(cleaned);
    }
    return (changed ? kept : value) as T;
  }
  if (value !== null && typeof value === 'object') {
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const cleaned = withoutAbsentItems(item);
      if (cleaned !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = cleaned;
    }
    return (copy ?? value) as T;
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

  override toJson(): unknown {
    return marker({ op: 'when', condition: this.condition, value: super.toJson() });
  }
}

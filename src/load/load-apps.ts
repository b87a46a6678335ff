/**
 * Loads `charts-src/<app>.ts`: each file default-exports `defineApp({...})`. TypeScript checks
 * the shape at compile time; this checks the values (names, ports, quantities...) at run time,
 * with messages naming the file and field.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppDefinition } from '../../generators/app-definition.js';
import { canarySteps, checkCanaryAnalysis, checkCanarySteps, checkKnative, DELIVERY_KINDS } from '../../generators/delivery.js';
import { ConfigError, Problems } from './config-error.js';
import {
  DNS_1035_LABEL, DNS_1123_SUBDOMAIN, ENV_VAR_NAME, IMAGE_REPOSITORY, QUANTITY, SECRET_KEY, SEMVER,
} from './names.js';

export interface AppFile {
  readonly file: string;
  readonly definition: AppDefinition;
}

/** Imports every app definition of `dir`; `displayDir` is how messages name the folder. */
export async function loadAppFiles(dir: string, displayDir = 'charts-src'): Promise<AppFile[]> {
  const problems = new Problems();
  const files = readdirSync(dir).filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !/\.d\.ts$/.test(f)).sort();
  const apps: AppFile[] = [];
  for (const f of files) {
    const file = `${displayDir}/${f}`;
    let mod: { default?: unknown };
    try {
      mod = await import(pathToFileURL(resolve(join(dir, f))).href) as { default?: unknown };
    } catch (cause) {
      if (cause instanceof ConfigError) throw cause;
      const first = String((cause as Error)?.message ?? cause).split('\n')[0];
      problems.add(file, '', `cannot be loaded: ${first}`);
      continue;
    }
    const def = mod.default as AppDefinition | undefined;
    if (!def || typeof def !== 'object' || def.kind !== 'slipway.app') {
      problems.add(file, '', 'must `export default defineApp({...})`');
      continue;
    }
    checkApp(def, file, f.replace(/\.(ts|mts|js|mjs)$/, ''), problems);
    apps.push({ file, definition: def });
  }
  problems.throwIfAny();
  return apps;
}

/** Run-time checks of one definition; adds to `problems`. */
export function checkApp(app: AppDefinition, file: string, baseName: string, problems: Problems): void {
  const add = (field: string, message: string) => problems.add(file, field, message);
  if (typeof app.name !== 'string' || !DNS_1035_LABEL.test(app.name) || app.name.length > 63) {
    add('name', `'${String(app.name)}' is not a DNS-1035 label (lower-case letters, digits and -, starting with a letter, at most 63)`);
  } else if (app.name !== baseName) {
    add('name', `'${app.name}' must equal the file name ('${baseName}')`);
  }
  if (typeof app.image !== 'string' || !IMAGE_REPOSITORY.test(app.image)) {
    add('image', `'${String(app.image)}' is not an image repository without tag (e.g. vfarcic/devops-toolkit-series)`);
  }
  if (!SEMVER.test(app.chartVersion)) add('chartVersion', `'${app.chartVersion}' is not SemVer (e.g. 0.1.0)`);
  if (typeof app.appVersion !== 'string' || app.appVersion === '') add('appVersion', 'must be a non-empty string');
  if (!Number.isInteger(app.port) || app.port < 1 || app.port > 65535) add('port', `${app.port} is not a port (1-65535)`);
  if (typeof app.probePath !== 'string' || !app.probePath.startsWith('/')) add('probePath', `'${app.probePath}' must start with /`);
  for (const side of ['requests', 'limits'] as const) {
    for (const res of ['cpu', 'memory'] as const) {
      const q = app.resources[side][res];
      if (typeof q !== 'string' || !QUANTITY.test(q)) add(`resources.${side}.${res}`, `'${String(q)}' is not a Kubernetes quantity (e.g. 100m, 128Mi)`);
    }
  }
  if (!Number.isInteger(app.replicas) || app.replicas < 0) add('replicas', `${app.replicas} must be a whole number >= 0`);
  const a = app.autoscaling;
  if (!Number.isInteger(a.minReplicas) || a.minReplicas < 1) add('autoscaling.minReplicas', `${a.minReplicas} must be a whole number >= 1`);
  if (!Number.isInteger(a.maxReplicas) || a.maxReplicas < a.minReplicas) add('autoscaling.maxReplicas', `${a.maxReplicas} must be a whole number >= minReplicas (${a.minReplicas})`);
  if (!Number.isInteger(a.cpuUtilization) || a.cpuUtilization < 1 || a.cpuUtilization > 100) add('autoscaling.cpuUtilization', `${a.cpuUtilization} must be 1-100`);
  for (const [name, value] of Object.entries(app.env)) {
    if (!ENV_VAR_NAME.test(name)) add(`env.${name}`, 'is not a valid environment variable name');
    if (typeof value !== 'string') add(`env.${name}`, 'must be a string or {secret, key}');
  }
  for (const [name, ref] of Object.entries(app.secretEnv)) {
    if (!ENV_VAR_NAME.test(name)) add(`env.${name}`, 'is not a valid environment variable name');
    if (!ref || typeof ref.secret !== 'string' || !DNS_1123_SUBDOMAIN.test(ref.secret)) add(`env.${name}.secret`, `'${String(ref?.secret)}' is not a Secret name`);
    if (!ref || typeof ref.key !== 'string' || !SECRET_KEY.test(ref.key)) add(`env.${name}.key`, `'${String(ref?.key)}' is not a Secret key`);
  }
  app.writablePaths.forEach((p, i) => {
    if (typeof p !== 'string' || !p.startsWith('/')) add(`writablePaths[${i}]`, `'${String(p)}' must be an absolute path`);
  });
  if (app.security.runAsUser !== undefined && (!Number.isInteger(app.security.runAsUser) || app.security.runAsUser < 0)) {
    add('security.runAsUser', `${app.security.runAsUser} must be a whole number >= 0`);
  }
  if (app.security.runAsNonRoot && app.security.runAsUser === 0) add('security.runAsUser', '0 (root) contradicts runAsNonRoot');
  if (!DELIVERY_KINDS.includes(app.delivery?.kind as never)) {
    add('delivery', `unknown delivery '${String(app.delivery?.kind)}' (known: ${DELIVERY_KINDS.join(', ')})`);
  } else if (app.delivery.kind === 'canary') {
    // Istio splits traffic between the stable and canary Services by port: it must be the app's own.
    if (!app.portDeclared) add('port', 'required for canary delivery (Istio routes the canary by Service port)');
    const canary = app.delivery.canary!;
    const steps = canarySteps(canary.steps, canary.analysis.enabled);
    for (const [f, m] of checkCanarySteps(steps, 'delivery.steps')) add(f, m);
    for (const [f, m] of checkCanaryAnalysis(canary.analysis, 'delivery.analysis', steps.length)) add(f, m);
  } else if (app.delivery.kind === 'knative') {
    for (const [f, m] of checkKnative(app.delivery.knative!, 'delivery')) add(f, m);
  }
  if (app.ingress.tls && !DNS_1123_SUBDOMAIN.test(app.ingress.tls.secretName)) add('ingress.tls.secretName', `'${app.ingress.tls.secretName}' is not a Secret name`);
}

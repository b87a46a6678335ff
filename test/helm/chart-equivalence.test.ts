/**
 * Every generated chart passes `helm lint --strict` under Helm 3 and Helm 4, and for every
 * app × env, `helm template` of the env repo's chart with that env's values yields exactly the
 * objects slipway renders itself (the manifests mode and the validation rely on that).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GeneratedPlatform } from '../../generators/platform.js';
import { helmBinaries, runHelm, type HelmBinary } from '../support/helm.js';
import { byKindAndName, generateSample, parseDocs, removeTemp, writeTemp } from '../support/generated.js';

let output: GeneratedPlatform;
let dir: string;
const helms: HelmBinary[] = helmBinaries();

beforeAll(async () => {
  output = (await generateSample()).output;
  dir = writeTemp(output.files);
});
afterAll(() => removeTemp(dir));

const cases = [
  { env: 'staging', app: 'devops-toolkit' },
  { env: 'staging', app: 'devops-paradox' },
  { env: 'staging', app: 'go-demo-9' },
  { env: 'production', app: 'devops-toolkit' },
  { env: 'production', app: 'devops-paradox' },
  { env: 'production', app: 'go-demo-9' },
];

async function template(helm: HelmBinary, env: string, app: string, extra: string[] = []) {
  const envDir = join(dir, 'envs', env);
  const namespace = output.envs.find((e) => e.env.name === env)!.env.namespace;
  const result = await runHelm(helm, [
    'template',
    app,
    join(envDir, 'charts', app),
    '--namespace',
    namespace,
    '--values',
    join(envDir, 'values', `${app}.yaml`),
    ...extra,
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return parseDocs(result.stdout);
}

describe.each(helms.map((h) => ({ helm: h, label: `helm ${h.major}` })))('$label', ({ helm }) => {
  it.each(['devops-toolkit', 'devops-paradox', 'go-demo-9'])(
    'lint --strict passes for chart %s, also with its toggles flipped',
    async (app) => {
      const chart = join(dir, 'charts', app);
      const toggles: Record<string, string[][]> = {
        'go-demo-9': [
          [],
          ['--set', 'autoscaling.enabled=true'],
          ['--set', 'ingress.enabled=false'],
          ['--set', 'ingress.tls.enabled=true,ingress.host=x.example.com'],
        ],
        'devops-toolkit': [
          [],
          ['--set', 'canary.analysis.enabled=false'],
          ['--set', 'autoscaling.enabled=false,replicaCount=1'],
          ['--set', 'ingress.enabled=false'],
          ['--set', 'ingress.tls.enabled=true,ingress.host=x.example.com'],
        ],
        'devops-paradox': [
          [],
          ['--set', 'ingress.enabled=false'],
          ['--set', 'ingress.host=x.example.com,knative.metric=cpu,knative.minScale=1,knative.target=70'],
          [
            '--set-json',
            'knative.traffic=[{"latestRevision":true,"percent":80},{"revisionName":"devops-paradox-00001","percent":20,"tag":"previous"}]',
          ],
        ],
      };
      for (const set of toggles[app]!) {
        const lint = await runHelm(helm, ['lint', '--strict', chart, ...set]);
        expect(lint.stdout + lint.stderr).toContain('0 chart(s) failed');
        expect(lint.code).toBe(0);
      }
    },
  );

  it.each(cases)('helm template of $app in $env equals the direct render', async ({ env, app }) => {
    const rendered = await template(helm, env, app);
    const direct = output.envs.find((e) => e.env.name === env)!.apps.find((a) => a.app === app)!.objects;
    expect(rendered.length).toBe(direct.length);
    expect(byKindAndName(rendered)).toEqual(byKindAndName(JSON.parse(JSON.stringify(direct))));
  });

  it('literal {{ in generated content reaches the cluster unchanged', async () => {
    const objects = await template(helm, 'staging', 'go-demo-9');
    const configMap = objects.find((o) => o.kind === 'ConfigMap') as { data: Record<string, string> };
    expect(configMap.data['greeting.tmpl']).toBe('Hello, {{name}}!');
  });

  it('Argo Rollouts {{args.service-name}} placeholders reach the cluster literally', async () => {
    const objects = await template(helm, 'production', 'devops-toolkit');
    const analysis = objects.find((o) => o.kind === 'AnalysisTemplate') as any;
    for (const metric of analysis.spec.metrics) {
      expect(metric.provider.prometheus.query).toContain('destination_service=~"{{args.service-name}}"');
    }
  });

  it('a tag that looks like a number stays a string, and the version label follows it', async () => {
    const objects = await template(helm, 'staging', 'go-demo-9', ['--set-string', 'image.tag=1.10']);
    const deployment = objects.find((o) => o.kind === 'Deployment') as any;
    expect(deployment.spec.template.spec.containers[0].image).toBe('vfarcic/go-demo-9:1.10');
    expect(deployment.metadata.labels['app.kubernetes.io/version']).toBe('1.10');
  });

  it('values.schema.json rejects a number as tag and unknown keys', async () => {
    const chart = join(dir, 'charts', 'go-demo-9');
    // An unquoted 1.10 in a values file is the float 1.1: the schema refuses it instead of deploying :1.1.
    const valuesFile = join(dir, 'numeric-tag.yaml');
    writeFileSync(valuesFile, 'image:\n  tag: 1.10\n');
    const numeric = await runHelm(helm, ['template', 'x', chart, '--values', valuesFile]);
    expect(numeric.code).not.toBe(0);
    expect(numeric.stderr).toMatch(/tag/);
    const unknown = await runHelm(helm, ['template', 'x', chart, '--set', 'replicaCont=3']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/replicaCont/);
  });

  it('autoscaling on: the HPA appears and the Deployment leaves replicas to it', async () => {
    const objects = await template(helm, 'staging', 'go-demo-9', ['--set', 'autoscaling.enabled=true']);
    const deployment = objects.find((o) => o.kind === 'Deployment') as any;
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler') as any;
    expect(deployment.spec.replicas).toBeUndefined();
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'go-demo-9' });
  });
});

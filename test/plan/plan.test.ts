/**
 * planEnv as a table, no git: what an env repo's tree and the desired files make of a plan
 * (create / update / delete / left alone), and what it renders. saved-plan.test.ts and the
 * bootstrap tests run the same against real repos.
 */
import { describe, expect, it } from 'vitest';
import { planEnv, renderPlan } from '../../src/plan/plan.js';
import { gitBlobSha } from '../../src/core/env-remote.js';

/** A remote tree holding `files`, as `GitRemote.read` gives it. */
async function tree(files: Record<string, string>, head = 'a'.repeat(40)) {
  const blobs = new Map<string, string>();
  for (const [path, content] of Object.entries(files)) blobs.set(path, await gitBlobSha(content));
  return { head: Object.keys(files).length ? head : undefined, blobs, read: async (path: string) => files[path]! };
}

const cm = (name: string, v = '1') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  v: "${v}"\n`;

describe('planEnv', () => {
  const cases: ReadonlyArray<{
    name: string;
    repo: Record<string, string>;
    desired: Record<string, string>;
    expected: { create?: string[]; update?: string[]; delete?: string[]; untouched?: string[] };
  }> = [
    {
      name: 'an empty repo: every file is created',
      repo: {},
      desired: { 'apps/a.yaml': cm('a'), 'README.md': '# x\n' },
      expected: { create: ['apps/a.yaml', 'README.md'] },
    },
    { name: 'the same files: nothing to do', repo: { 'apps/a.yaml': cm('a') }, desired: { 'apps/a.yaml': cm('a') }, expected: {} },
    {
      name: 'a changed file is an update',
      repo: { 'values/a.yaml': 'tag: "1"\n' },
      desired: { 'values/a.yaml': 'tag: "2"\n' },
      expected: { update: ['values/a.yaml'] },
    },
    {
      name: 'a file slipway owns and no longer generates is deleted',
      repo: { 'apps/a.yaml': cm('a'), 'apps/old.yaml': cm('old'), 'platform/x.yaml': cm('x') },
      desired: { 'apps/a.yaml': cm('a') },
      expected: { delete: ['apps/old.yaml', 'platform/x.yaml'] },
    },
    {
      name: 'files a person added outside what slipway owns are left alone',
      repo: { 'apps/a.yaml': cm('a'), 'docs/runbook.md': '# runbook\n', '.github/CODEOWNERS': '* @team\n' },
      desired: { 'apps/a.yaml': cm('a') },
      expected: { untouched: ['.github/CODEOWNERS', 'docs/runbook.md'] },
    },
  ];
  it.each(cases)('$name', async ({ repo, desired, expected }) => {
    const plan = await planEnv('staging', 'r', await tree(repo), new Map(Object.entries(desired)));
    const paths = (action: string) => plan.changes.filter((c) => c.action === action).map((c) => c.path);
    expect(paths('create')).toEqual(expected.create ?? []);
    expect(paths('update')).toEqual(expected.update ?? []);
    expect(paths('delete')).toEqual(expected.delete ?? []);
    expect(plan.untouched).toEqual(expected.untouched ?? []);
    expect(plan.summary).toEqual({ add: paths('create').length, change: paths('update').length, destroy: paths('delete').length });
    // What a commit writes and deletes is exactly the plan.
    expect([...plan.write.keys()].sort()).toEqual([...paths('create'), ...paths('update')].sort());
    expect(plan.delete).toEqual(paths('delete'));
  });

  it('names the objects a change touches and diffs it', async () => {
    const plan = await planEnv('staging', 'r', await tree({ 'apps/a.yaml': cm('a', '1') }), new Map([['apps/a.yaml', cm('a', '2')]]));
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]!.objects).toEqual(['ConfigMap/a']);
    expect(plan.changes[0]!.diff).toContain('-  v: "1"\n+  v: "2"');
    const text = renderPlan(plan, { color: false });
    expect(text).toMatch(/^Plan: 0 to add, 1 to change, 0 to destroy\.$/m);
  });
});

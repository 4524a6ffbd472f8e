import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KUSTOMIZATION_API_VERSION, RECONCILER_FIELD_MANAGER } from '@ferry/contracts';
import { inventoryId, type KubeObject } from '@ferry/kube';
import { tempDir } from '@ferry/testing';
import { startCliCluster, type CliCluster } from '../../test/cli-fixture';
import { changedFields } from './diff.command';

describe('changedFields', () => {
  it('lists the differing leaves as dotted paths', () => {
    expect(changedFields({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { b: 2, c: [1, 3] }, e: 'y' })).toEqual([
      { path: 'a.b', before: 1, after: 2 },
      { path: 'a.c.1', before: 2, after: 3 },
      { path: 'd', before: 'x', after: undefined },
      { path: 'e', before: undefined, after: 'y' },
    ]);
  });
});

describe('ferry diff kustomization', () => {
  let dev: CliCluster;
  const dir = tempDir('ferry-diff-');
  beforeAll(async () => {
    dev = await startCliCluster();
  });
  afterAll(async () => {
    await dev.stop();
    dir.remove();
  });

  const configMap = (namespace: string, name: string, data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } },
    data,
  });

  function write(files: Record<string, string>): string {
    const root = join(dir.path, Math.random().toString(36).slice(2));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(root, name, '..'), { recursive: true });
      writeFileSync(join(root, name), text);
    }
    return root;
  }

  async function setup(): Promise<string> {
    const target = await dev.namespace();
    await dev.kube.apply(configMap(target, 'same', { a: '1' }), { fieldManager: RECONCILER_FIELD_MANAGER });
    await dev.kube.apply(configMap(target, 'changed', { a: '1' }), { fieldManager: RECONCILER_FIELD_MANAGER });
    await dev.kube.apply(configMap(target, 'gone', { a: '1' }), { fieldManager: RECONCILER_FIELD_MANAGER });
    const ks = await dev.kube.apply(
      {
        apiVersion: KUSTOMIZATION_API_VERSION,
        kind: 'Kustomization',
        metadata: { name: 'apps', namespace: 'flux-system' },
        spec: { interval: '5m0s', path: './', prune: true, targetNamespace: target, sourceRef: { kind: 'GitRepository', name: 'apps' }, postBuild: { substitute: { value: 'two' } } },
      },
      { fieldManager: 'test', force: true },
    );
    const entries = ['same', 'changed', 'gone'].map((name) => ({ id: inventoryId({ namespace: target, name, group: '', version: 'v1', kind: 'ConfigMap' }), v: 'v1' }));
    await dev.kube.mergePatch(ks, { status: { inventory: { entries } } }, { subresource: 'status' });
    return target;
  }

  it('reports created, drifted and deleted objects and exits 1', async () => {
    await dev.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } }, { fieldManager: 'test' });
    const target = await setup();
    const local = write({
      'kustomization.yaml': 'resources:\n- cms.yaml\n',
      'cms.yaml': [
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\ndata:\n  a: "1"\n',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: changed\ndata:\n  a: "${value}"\n',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new\ndata:\n  a: "1"\n',
      ].join('---\n'),
    });
    const r = await dev.ferry('diff', 'kustomization', 'apps', '--path', local);
    expect(r.stdout.split('\n')).toEqual([
      `► ConfigMap/${target}/changed drifted`,
      '',
      'data.a',
      '  ± value change',
      '    - "1"',
      '    + "two"',
      '',
      `✚ ConfigMap/${target}/new created`,
      `✗ ConfigMap/${target}/gone deleted`,
      '',
    ]);
    expect(r.lines).toEqual(['► Kustomization diffing...', '⚠️ identified at least one change, exiting with non-zero exit code']);
    expect(r.code).toBe(1);
    // A dry run stores nothing.
    expect((await dev.kube.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: target, name: 'changed' }))?.['data']).toEqual({ a: '1' });
  });

  it('masks Secret values in the drift report', async () => {
    const target = await setup();
    await dev.kube.apply(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'token', namespace: target, labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } },
        data: { token: Buffer.from('old-secret').toString('base64') },
      },
      { fieldManager: RECONCILER_FIELD_MANAGER },
    );
    const local = write({
      'kustomization.yaml': 'resources:\n- secret.yaml\n',
      'secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\ndata:\n  token: ${Buffer.from('new-secret').toString('base64')}\n`,
    });
    const r = await dev.ferry('diff', 'ks', 'apps', '--path', local);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`► Secret/${target}/token drifted\n\ndata.token\n  ± value change\n    - *****\n    + *****\n`);
    expect(r.stdout).not.toContain(Buffer.from('new-secret').toString('base64'));
    expect(r.stdout).not.toContain(Buffer.from('old-secret').toString('base64'));
  });

  it('exits 0 when the cluster matches the build', async () => {
    const target = await setup();
    const local = write({
      'kustomization.yaml': 'resources:\n- cms.yaml\n',
      'cms.yaml': ['same', 'changed', 'gone'].map((name) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"\n`).join('---\n'),
    });
    const r = await dev.ferry('diff', 'ks', 'apps', '--path', local);
    expect(r.stdout).toBe('');
    expect(r.lines).toEqual(['► Kustomization diffing...', '✔ Kustomization diffing completed: no changes']);
    expect(r.code).toBe(0);
    expect(target).toMatch(/^cli-/);
  });

  it('substitutes variables from the substituteFrom ConfigMaps and Secrets, as the reconciler does', async () => {
    const target = await dev.namespace();
    await dev.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } }, { fieldManager: 'test' });
    const vars = `vars-${target}`;
    await dev.kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: vars, namespace: 'flux-system' }, data: { region: 'eu', tier: 'web' } }, { fieldManager: 'test' });
    await dev.kube.apply(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: vars, namespace: 'flux-system' }, data: { tier: Buffer.from('api').toString('base64') } },
      { fieldManager: 'test' },
    );
    const kustomization = (substituteFrom: unknown[]) => ({
      apiVersion: KUSTOMIZATION_API_VERSION,
      kind: 'Kustomization',
      metadata: { name: vars, namespace: 'flux-system' },
      spec: { interval: '5m0s', path: './', prune: true, targetNamespace: target, sourceRef: { kind: 'GitRepository', name: 'apps' }, postBuild: { substituteFrom } },
    });
    await dev.kube.apply(kustomization([{ kind: 'ConfigMap', name: vars }, { kind: 'Secret', name: vars }, { kind: 'ConfigMap', name: 'absent', optional: true }]), { fieldManager: 'test', force: true });
    const local = write({
      'kustomization.yaml': 'resources:\n- cm.yaml\n',
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  where: "${region}-${tier}"\n',
    });
    const r = await dev.ferry('diff', 'ks', vars, '-n', 'flux-system', '--path', local);
    expect(r.stdout.split('\n')[0]).toBe(`✚ ConfigMap/${target}/settings created`);
    expect(r.code).toBe(1);
    const ownerLabels = { 'kustomize.toolkit.fluxcd.io/name': vars, 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };
    await dev.kube.apply(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: target, labels: ownerLabels }, data: { where: 'eu-api' } },
      { fieldManager: RECONCILER_FIELD_MANAGER },
    );
    const same = await dev.ferry('diff', 'ks', vars, '-n', 'flux-system', '--path', local);
    expect(same.lines).toEqual(['► Kustomization diffing...', '✔ Kustomization diffing completed: no changes']);

    await dev.kube.apply(kustomization([{ kind: 'Secret', name: 'absent' }]), { fieldManager: 'test', force: true });
    const missing = await dev.ferry('diff', 'ks', vars, '-n', 'flux-system', '--path', local);
    expect(missing.code).toBe(1);
    expect(missing.lines).toContain("✗ substitute from 'Secret/absent' failed: Secret 'flux-system/absent' not found");
  });

  it('fails naming the object when a namespaced object has no namespace', async () => {
    await dev.kube.apply(
      {
        apiVersion: KUSTOMIZATION_API_VERSION,
        kind: 'Kustomization',
        metadata: { name: 'bare', namespace: 'flux-system' },
        spec: { interval: '5m0s', path: './', prune: false, sourceRef: { kind: 'GitRepository', name: 'apps' } },
      },
      { fieldManager: 'test', force: true },
    );
    const local = write({ 'kustomization.yaml': 'resources:\n- cm.yaml\n', 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: loose\n' });
    const r = await dev.ferry('diff', 'ks', 'bare', '--path', local);
    expect(r.code).toBe(1);
    expect(r.lines[r.lines.length - 1]).toBe(
      `✗ ConfigMap/loose in ${local}: namespace not specified (set it in the manifests or spec.targetNamespace of Kustomization bare)`,
    );
  });

  it('fails naming the Kustomization when it does not exist', async () => {
    const r = await dev.ferry('diff', 'ks', 'nope', '--path', dir.path);
    expect(r.code).toBe(1);
    expect(r.lines).toEqual(['✗ Kustomization nope not found in flux-system namespace']);
  });
});

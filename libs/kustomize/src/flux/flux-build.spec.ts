import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ferry/testing';
import { parseFluxObject, kustomizationSchema } from '@ferry/contracts';
import { KustomizeError } from '../errors';
import { NodeFileSystem } from '../node-file-system';
import { buildFluxKustomization } from './flux-build';

const spec = (extra: Record<string, unknown>) =>
  parseFluxObject(kustomizationSchema, {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'apps', namespace: 'flux-system' },
    spec: { interval: '5m', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' }, ...extra },
  }).spec;

describe('buildFluxKustomization', () => {
  const dir = tempDir('ferry-flux-build-');
  const file = (path: string, content: string) => {
    mkdirSync(join(dir.path, path, '..'), { recursive: true });
    writeFileSync(join(dir.path, path), content);
  };
  const build = (extra: Record<string, unknown>, variables?: Record<string, string>) =>
    buildFluxKustomization(spec(extra), { root: dir.path, fs: new NodeFileSystem(dir.path), owner: { name: 'apps', namespace: 'flux-system' }, ...(variables ? { variables } : {}) });

  beforeAll(() => {
    file('apps/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: ${color:=blue}\n');
    file('apps/notes.yaml', 'just: some yaml, not a manifest\n');
    file('apps/base/kustomization.yaml', 'resources: [svc.yaml]\n');
    file('apps/base/svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n');
  });

  afterAll(() => dir.remove());

  it('given a path without a kustomization, when built, then it lists the manifests and sub-kustomizations, overlays the spec in memory and labels the owner', () => {
    const objects = build({ path: './apps', targetNamespace: 'team', namePrefix: 'p-', postBuild: { substitute: { color: 'red' } } }, { color: 'green' });
    expect(objects.map((o) => `${String(o['kind'])}/${String((o['metadata'] as { namespace: string }).namespace)}/${String((o['metadata'] as { name: string }).name)}`)).toEqual([
      'Service/team/p-web',
      'ConfigMap/team/p-settings',
    ]);
    expect(objects[1]).toMatchObject({ data: { color: 'red' }, metadata: { labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } } });
    expect(readdirSync(join(dir.path, 'apps')).sort()).toEqual(['base', 'cm.yaml', 'notes.yaml']);
  });

  it('given a path outside the artifact or missing, then it fails naming spec.path', () => {
    expect(() => build({ path: '../elsewhere' })).toThrow(new KustomizeError('spec.path "../elsewhere" points outside the artifact'));
    expect(() => build({ path: './nope' })).toThrow('kustomization path not found: ./nope does not exist in the artifact');
  });

  it('given a broken manifest, then the error names the file and the line', () => {
    file('broken/bad.yaml', 'apiVersion: v1\nkind: [unclosed\n');
    expect(() => build({ path: './broken' })).toThrow(/bad\.yaml.*line \d+/s);
  });
});

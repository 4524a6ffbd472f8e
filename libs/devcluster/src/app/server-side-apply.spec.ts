import { ApiError } from '../domain/errors';
import { JsonObject } from '../domain/json';
import { ObjectStore } from '../domain/object-store';
import { ResourceRegistry, ResourceType } from '../domain/resource-registry';
import { ClusterApi } from './cluster-api';

const NS = 'default';

function given(): { api: ClusterApi; deployments: ResourceType; configmaps: ResourceType } {
  const api = new ClusterApi(new ObjectStore(), new ResourceRegistry(), () => new Date('2026-01-01T00:00:00Z'));
  const ns = api.registry.lookup('', 'v1', 'namespaces') as ResourceType;
  api.create(ns, '', { metadata: { name: NS } });
  return {
    api,
    deployments: api.registry.lookup('apps', 'v1', 'deployments') as ResourceType,
    configmaps: api.registry.lookup('', 'v1', 'configmaps') as ResourceType,
  };
}

const dep = (containers: JsonObject[], extra: JsonObject = {}): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: NS },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
    ...extra,
  },
});

const containersOf = (o: JsonObject): JsonObject[] =>
  ((o['spec'] as JsonObject)['template'] as { spec: { containers: JsonObject[] } }).spec.containers;

function applyError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('server-side apply', () => {
  it('removes a field the manager stopped applying', () => {
    const { api, configmaps } = given();
    api.patch(configmaps, NS, 'c', 'apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '1', b: '2' } }, data: { x: '1', y: '2' } }, { fieldManager: 'm1' });
    const out = api.patch(configmaps, NS, 'c', 'apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '1' } }, data: { x: '1' } }, { fieldManager: 'm1' });
    expect(out['data']).toEqual({ x: '1' });
    expect((out['metadata'] as JsonObject)['labels']).toEqual({ a: '1' });
  });

  it('removes a map the manager stopped applying along with its fields, but keeps one another manager uses', () => {
    const { api, deployments } = given();
    const withNodeSelector = dep([{ name: 'app', image: 'a:1' }], {
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'a:1' }], nodeSelector: { disk: 'ssd' } } },
    });
    api.patch(deployments, NS, 'web', 'apply', withNodeSelector, { fieldManager: 'm1' });
    const out = api.patch(deployments, NS, 'web', 'apply', dep([{ name: 'app', image: 'a:1' }]), { fieldManager: 'm1' });
    expect(Object.keys(((out['spec'] as JsonObject)['template'] as { spec: JsonObject }).spec)).not.toContain('nodeSelector');

    api.patch(deployments, NS, 'web', 'apply', dep([{ name: 'app', image: 'a:1' }], { template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [{ name: 'app', image: 'a:1' }] } } }), { fieldManager: 'm1' });
    api.patch(deployments, NS, 'web', 'apply', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS }, spec: { template: { metadata: { annotations: { note: 'n' } } } } }, { fieldManager: 'm2' });
    const kept = api.patch(deployments, NS, 'web', 'apply', dep([{ name: 'app', image: 'a:1' }]), { fieldManager: 'm1' });
    expect(((kept['spec'] as JsonObject)['template'] as { metadata: JsonObject }).metadata).toEqual({ labels: { app: 'web' }, annotations: { note: 'n' } });
  });

  it('refuses changes to immutable fields with 422 Invalid naming the field', () => {
    const { api, deployments, configmaps } = given();
    api.patch(deployments, NS, 'web', 'apply', dep([{ name: 'app', image: 'a:1' }]), { fieldManager: 'm1' });
    const moved = dep([{ name: 'app', image: 'a:1' }], { selector: { matchLabels: { app: 'web', v: '2' } }, template: { metadata: { labels: { app: 'web', v: '2' } }, spec: { containers: [{ name: 'app', image: 'a:1' }] } } });
    const error = applyError(() => api.patch(deployments, NS, 'web', 'apply', moved, { fieldManager: 'm1' }));
    expect(error.code).toBe(422);
    expect(error.details.causes).toEqual([expect.objectContaining({ field: 'spec.selector', message: 'Invalid value: field is immutable' })]);

    api.patch(configmaps, NS, 'frozen', 'apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen' }, immutable: true, data: { a: '1' } }, { fieldManager: 'm1' });
    const frozen = applyError(() => api.patch(configmaps, NS, 'frozen', 'apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen' }, immutable: true, data: { a: '2' } }, { fieldManager: 'm1' }));
    expect(frozen.details.causes).toEqual([expect.objectContaining({ field: 'data' })]);
  });

  it('keeps a field another manager owns when the applier drops it', () => {
    const { api, configmaps } = given();
    api.patch(configmaps, NS, 'c', 'apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { x: '1', shared: 's' } }, { fieldManager: 'm1' });
    api.patch(configmaps, NS, 'c', 'apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { shared: 's', own: 'o' } }, { fieldManager: 'm2' });
    api.patch(configmaps, NS, 'c', 'merge', { data: { patched: 'p' } }, { fieldManager: 'editor' });
    const out = api.patch(configmaps, NS, 'c', 'apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: {} }, { fieldManager: 'm1' });
    expect(out['data']).toEqual({ shared: 's', own: 'o', patched: 'p' });
  });

  it('rejects a conflicting value with 409 and one cause per field, and takes ownership with force', () => {
    const { api, deployments } = given();
    api.patch(deployments, NS, 'web', 'apply', dep([{ name: 'app', image: 'nginx:1' }], { replicas: 3 }), { fieldManager: 'owner' });
    const err = applyError(() =>
      api.patch(deployments, NS, 'web', 'apply', dep([{ name: 'app', image: 'nginx:2' }], { replicas: 5 }), { fieldManager: 'intruder' }),
    );
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.details.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "owner"', field: '.spec.replicas' },
      { reason: 'FieldManagerConflict', message: 'conflict with "owner"', field: '.spec.template.spec.containers[name="app"].image' },
    ]);
    const forced = api.patch(deployments, NS, 'web', 'apply', dep([{ name: 'app', image: 'nginx:2' }], { replicas: 5 }), { fieldManager: 'intruder', force: true });
    expect((forced['spec'] as JsonObject)['replicas']).toBe(5);
    const owner = ((forced['metadata'] as JsonObject)['managedFields'] as JsonObject[]).find((e) => e['manager'] === 'owner') as JsonObject;
    expect(JSON.stringify(owner['fieldsV1'])).not.toContain('f:replicas');
  });

  it('does not conflict when another manager applies the same value (shared ownership)', () => {
    const { api, deployments } = given();
    api.patch(deployments, NS, 'web', 'apply', dep([{ name: 'app', image: 'nginx:1' }]), { fieldManager: 'a' });
    const out = api.patch(deployments, NS, 'web', 'apply', dep([{ name: 'app', image: 'nginx:1' }]), { fieldManager: 'b' });
    const managers = ((out['metadata'] as JsonObject)['managedFields'] as JsonObject[]).map((e) => e['manager']);
    expect(managers).toEqual(['a', 'b']);
  });

  it('merges containers by name, ports by containerPort+protocol and env by name', () => {
    const { api, deployments } = given();
    api.patch(
      deployments,
      NS,
      'web',
      'apply',
      dep([{ name: 'app', image: 'nginx', ports: [{ containerPort: 53 }], env: [{ name: 'A', value: '1' }] }]),
      { fieldManager: 'a' },
    );
    const out = api.patch(
      deployments,
      NS,
      'web',
      'apply',
      dep([
        { name: 'app', ports: [{ containerPort: 53, protocol: 'UDP' }], env: [{ name: 'B', value: '2' }] },
        { name: 'sidecar', image: 'envoy' },
      ]),
      { fieldManager: 'b' },
    );
    const cs = containersOf(out);
    expect(cs.map((c) => c['name'])).toEqual(['app', 'sidecar']);
    expect(cs[0]?.['image']).toBe('nginx');
    expect(cs[0]?.['ports']).toEqual([
      { containerPort: 53, protocol: 'TCP' },
      { containerPort: 53, protocol: 'UDP' },
    ]);
    expect(cs[0]?.['env']).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
  });

  it('removes a list item the manager stopped applying but keeps items of other managers', () => {
    const { api, deployments } = given();
    api.patch(deployments, NS, 'web', 'apply', dep([{ name: 'app', image: 'nginx' }, { name: 'old', image: 'x' }]), { fieldManager: 'a' });
    api.patch(deployments, NS, 'web', 'apply', dep([{ name: 'app', image: 'nginx' }, { name: 'theirs', image: 'y' }]), { fieldManager: 'b' });
    const out = api.patch(deployments, NS, 'web', 'apply', dep([{ name: 'app', image: 'nginx' }]), { fieldManager: 'a' });
    expect(containersOf(out).map((c) => c['name'])).toEqual(['app', 'theirs']);
  });

  it('records managedFields in the FieldsV1 format', () => {
    const { api, deployments } = given();
    const out = api.patch(deployments, NS, 'web', 'apply', dep([{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }]), { fieldManager: 'kubectl' });
    const [entry] = (out['metadata'] as JsonObject)['managedFields'] as JsonObject[];
    expect(entry).toMatchObject({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', time: '2026-01-01T00:00:00Z' });
    const containers = ((((entry?.['fieldsV1'] as JsonObject)['f:spec'] as JsonObject)['f:template'] as JsonObject)['f:spec'] as JsonObject)['f:containers'];
    expect(containers).toEqual({
      'k:{"name":"app"}': {
        '.': {},
        'f:image': {},
        'f:name': {},
        'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
      },
    });
  });

  it('does not give the applier ownership of server defaults (an autoscaler can own replicas)', () => {
    const { api, deployments } = given();
    const created = api.patch(deployments, NS, 'web', 'apply', dep([{ name: 'app', image: 'nginx' }]), { fieldManager: 'gitops' });
    expect((created['spec'] as JsonObject)['replicas']).toBe(1);
    api.patch(deployments, NS, 'web', 'merge', { spec: { replicas: 5 } }, { fieldManager: 'autoscaler' });
    const reapplied = api.patch(deployments, NS, 'web', 'apply', dep([{ name: 'app', image: 'nginx:2' }]), { fieldManager: 'gitops' });
    expect((reapplied['spec'] as JsonObject)['replicas']).toBe(5);
    expect(containersOf(reapplied)[0]?.['image']).toBe('nginx:2');
  });

  it('requires a fieldManager', () => {
    const { api, configmaps } = given();
    expect(applyError(() => api.patch(configmaps, NS, 'c', 'apply', { metadata: { name: 'c' } })).code).toBe(400);
  });
});

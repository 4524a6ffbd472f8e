import { ApiError } from '../domain/errors';
import { JsonObject } from '../domain/json';
import { ObjectStore, WatchEvent } from '../domain/object-store';
import { ResourceRegistry, ResourceType } from '../domain/resource-registry';
import { ClusterApi } from './cluster-api';

function given(historyLimit?: number): { api: ClusterApi; rt: (g: string, p: string) => ResourceType } {
  const api = new ClusterApi(new ObjectStore(historyLimit), new ResourceRegistry());
  const rt = (g: string, p: string): ResourceType => api.registry.lookup(g, 'v1', p) as ResourceType;
  api.create(rt('', 'namespaces'), '', { metadata: { name: 'default' } });
  return { api, rt };
}

function error(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

const meta = (o: JsonObject): JsonObject => o['metadata'] as JsonObject;
const deployment = (image: string): JsonObject => ({
  metadata: { name: 'web' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image }] } },
  },
});

describe('ClusterApi', () => {
  it('stamps uid, creationTimestamp, resourceVersion and generation, and rejects duplicates with AlreadyExists', () => {
    const { api, rt } = given();
    const cm = api.create(rt('', 'configmaps'), 'default', { metadata: { name: 'c' }, data: { a: '1' } });
    expect(meta(cm)).toMatchObject({ name: 'c', namespace: 'default', generation: 1 });
    expect(meta(cm)['uid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(meta(cm)['resourceVersion'])).toBeGreaterThan(0);
    const dup = error(() => api.create(rt('', 'configmaps'), 'default', { metadata: { name: 'c' } }));
    expect(dup.toStatus()).toMatchObject({ kind: 'Status', code: 409, reason: 'AlreadyExists', message: 'configmaps "c" already exists' });
  });

  it('answers a stale resourceVersion with 409 Conflict', () => {
    const { api, rt } = given();
    const cm = api.create(rt('', 'configmaps'), 'default', { metadata: { name: 'c' }, data: { a: '1' } });
    api.update(rt('', 'configmaps'), 'default', 'c', { ...cm, data: { a: '2' } });
    const stale = error(() => api.update(rt('', 'configmaps'), 'default', 'c', { ...cm, data: { a: '3' } }));
    expect(stale.code).toBe(409);
    expect(stale.reason).toBe('Conflict');
  });

  it('bumps generation on spec changes only, and keeps status out of main-resource writes', () => {
    const { api, rt } = given();
    const deps = rt('apps', 'deployments');
    api.create(deps, 'default', deployment('nginx:1'));
    const labelled = api.patch(deps, 'default', 'web', 'merge', { metadata: { labels: { x: 'y' } }, status: { replicas: 9 } });
    expect(meta(labelled)['generation']).toBe(1);
    expect(labelled['status']).toBeUndefined();
    const status = api.patch(deps, 'default', 'web', 'merge', { status: { replicas: 9 } }, { subresource: 'status' });
    expect(meta(status)['generation']).toBe(1);
    expect(status['status']).toEqual({ replicas: 9 });
    const changed = api.patch(deps, 'default', 'web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:2' }] } } } });
    expect(meta(changed)['generation']).toBe(2);
    expect(changed['status']).toEqual({ replicas: 9 });
  });

  it('rejects invalid objects with 422 and field causes', () => {
    const { api, rt } = given();
    const bad = error(() => api.create(rt('', 'configmaps'), 'default', { metadata: { name: 'Not_Valid' } }));
    expect(bad.code).toBe(422);
    expect(bad.reason).toBe('Invalid');
    expect(bad.details.causes?.[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'metadata.name' });
    const mismatch = error(() =>
      api.create(rt('apps', 'deployments'), 'default', {
        metadata: { name: 'd' },
        spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
      }),
    );
    expect(mismatch.details.causes?.[0]?.field).toBe('spec.template.metadata.labels');
  });

  it('does not store anything on dryRun', () => {
    const { api, rt } = given();
    const out = api.create(rt('', 'configmaps'), 'default', { metadata: { name: 'dry' } }, { dryRun: true });
    expect(meta(out)['name']).toBe('dry');
    expect(() => api.get(rt('', 'configmaps'), 'default', 'dry')).toThrow('configmaps "dry" not found');
  });

  it('holds objects with finalizers until the finalizers are removed', () => {
    const { api, rt } = given();
    const cms = rt('', 'configmaps');
    api.create(cms, 'default', { metadata: { name: 'f', finalizers: ['example.com/hold'] } });
    const marked = api.delete(cms, 'default', 'f');
    expect(meta(marked)['deletionTimestamp']).toBeDefined();
    expect(meta(api.get(cms, 'default', 'f'))['deletionTimestamp']).toBeDefined();
    api.patch(cms, 'default', 'f', 'json', [{ op: 'remove', path: '/metadata/finalizers' }]);
    expect(() => api.get(cms, 'default', 'f')).toThrow('not found');
  });

  it('pages lists with limit and continue and filters by field selector', () => {
    const { api, rt } = given();
    const cms = rt('', 'configmaps');
    for (const n of ['a', 'b', 'c', 'd', 'e']) api.create(cms, 'default', { metadata: { name: n } });
    const first = api.list(cms, 'default', { limit: 2 });
    expect(first.items.map((o) => meta(o)['name'])).toEqual(['a', 'b']);
    expect(first.remainingItemCount).toBe(3);
    const second = api.list(cms, 'default', { limit: 2, continueToken: first.continueToken });
    expect(second.items.map((o) => meta(o)['name'])).toEqual(['c', 'd']);
    const last = api.list(cms, 'default', { limit: 2, continueToken: second.continueToken });
    expect(last.items.map((o) => meta(o)['name'])).toEqual(['e']);
    expect(last.continueToken).toBeUndefined();
    expect(api.list(cms, undefined, { fieldSelector: 'metadata.name=c' }).items).toHaveLength(1);
  });

  it('resumes watches from a resourceVersion and answers 410 Gone once history is compacted', () => {
    const { api, rt } = given(3);
    const cms = rt('', 'configmaps');
    const a = api.create(cms, 'default', { metadata: { name: 'a' } });
    api.create(cms, 'default', { metadata: { name: 'b' } });
    const seen: WatchEvent[] = [];
    const stop = api.watch(cms, 'default', { resourceVersion: String(meta(a)['resourceVersion']) }, (e) => seen.push(e));
    api.delete(cms, 'default', 'a');
    stop();
    expect(seen.map((e) => `${e.type} ${String(meta(e.object)['name'])}`)).toEqual(['ADDED b', 'DELETED a']);
    for (const n of ['x', 'y', 'z', 'w']) api.create(cms, 'default', { metadata: { name: n } });
    const gone = error(() => api.watch(cms, 'default', { resourceVersion: String(meta(a)['resourceVersion']) }, () => undefined));
    expect(gone.code).toBe(410);
    expect(gone.reason).toBe('Expired');
  });

  it('serves a CRD as a resource with its scope and status subresource', () => {
    const { api, rt } = given();
    api.create(rt('apiextensions.k8s.io', 'customresourcedefinitions'), '', {
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Cluster',
        names: { plural: 'gadgets', kind: 'Gadget' },
        versions: [{ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } }],
      },
    });
    const gadgets = api.registry.lookup('example.com', 'v1alpha1', 'gadgets') as ResourceType;
    expect(gadgets).toMatchObject({ namespaced: false, statusSubresource: true, kind: 'Gadget' });
    const g = api.create(gadgets, '', { metadata: { name: 'g' }, spec: { n: 1 }, status: { ok: true } });
    expect(g['status']).toBeUndefined();
    expect(meta(g)['namespace']).toBeUndefined();
  });

  describe('custom resources with a structural schema', () => {
    const schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          required: ['url'],
          properties: {
            url: { type: 'string', pattern: '^https?://' },
            interval: { type: 'string', default: '1m' },
            replicas: { type: 'integer', minimum: 0 },
            mode: { type: 'string', enum: ['fast', 'safe'] },
          },
        },
        status: {
          type: 'object',
          properties: {
            conditions: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['type'],
              items: { type: 'object', properties: { type: { type: 'string' }, status: { type: 'string' } } },
            },
          },
        },
      },
    };
    const setup = (): { api: ClusterApi; repos: ResourceType } => {
      const { api, rt } = given();
      api.create(rt('apiextensions.k8s.io', 'customresourcedefinitions'), '', {
        metadata: { name: 'repos.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { plural: 'repos', kind: 'Repo' },
          versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: schema } }],
        },
      });
      return { api, repos: api.registry.lookup('example.com', 'v1', 'repos') as ResourceType };
    };

    it('defaults and prunes like the API server', () => {
      const { api, repos } = setup();
      const r = api.create(repos, 'default', { metadata: { name: 'r' }, spec: { url: 'https://x', bogus: 1 } });
      expect(r['spec']).toEqual({ url: 'https://x', interval: '1m' });
    });

    it('rejects unknown fields under Strict field validation with 400', () => {
      const { api, repos } = setup();
      const err = error(() => api.create(repos, 'default', { metadata: { name: 'r' }, spec: { url: 'https://x', bogus: 1 } }, { fieldValidation: 'Strict' }));
      expect(err.code).toBe(400);
      expect(err.message).toBe('Repo in version "v1" cannot be handled as a Repo: strict decoding error: unknown field "spec.bogus"');
    });

    it('rejects schema violations with 422 and one cause per field', () => {
      const { api, repos } = setup();
      const err = error(() => api.create(repos, 'default', { metadata: { name: 'r' }, spec: { replicas: 'two', mode: 'slow' } }));
      expect(err.code).toBe(422);
      expect(err.details.causes?.map((c) => `${c.reason} ${c.field}`).sort()).toEqual([
        'FieldValueNotSupported spec.mode',
        'FieldValueRequired spec.url',
        'FieldValueTypeInvalid spec.replicas',
      ]);
    });

    it('merges x-kubernetes-list-type=map lists by key in server-side apply', () => {
      const { api, repos } = setup();
      api.create(repos, 'default', { metadata: { name: 'r' }, spec: { url: 'https://x' } });
      const apply = (manager: string, type: string): JsonObject =>
        api.patch(repos, 'default', 'r', 'apply', { apiVersion: 'example.com/v1', kind: 'Repo', metadata: { name: 'r' }, status: { conditions: [{ type, status: 'True' }] } }, { fieldManager: manager, subresource: 'status' });
      apply('a', 'Ready');
      const out = apply('b', 'Healthy');
      expect((out['status'] as JsonObject)['conditions']).toEqual([
        { type: 'Ready', status: 'True' },
        { type: 'Healthy', status: 'True' },
      ]);
    });
  });
});

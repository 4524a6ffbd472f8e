import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  makeInformer,
  PatchStrategy,
  V1ConfigMap,
  V1Deployment,
  Watch,
} from '@kubernetes/client-node';
import { DevCluster } from './index';

jest.setTimeout(30_000);

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
};

async function status(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) {
      const body = typeof e.body === 'string' ? (JSON.parse(e.body) as Record<string, unknown>) : (e.body as Record<string, unknown>);
      return { code: e.code, body };
    }
    throw e;
  }
  throw new Error('expected the request to fail');
}

describe('@kubernetes/client-node against the dev cluster', () => {
  let cluster: DevCluster;
  let kc: KubeConfig;
  let ns: string;

  beforeAll(async () => {
    cluster = await DevCluster.start({ simulator: { readyDelayMs: 50 } });
    kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
  });
  afterAll(async () => {
    await cluster.stop();
  });
  beforeEach(async () => {
    ns = `cn-${Math.random().toString(36).slice(2, 8)}`;
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
  });

  const deployment = (labels: Record<string, string>, image = 'nginx:1'): V1Deployment => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image }] } },
    },
  });

  it('server-side applies with KubernetesObjectApi, removes dropped fields and reports conflicts', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const created = (await objects.patch(deployment({ app: 'web', team: 'a' }), undefined, undefined, 'ferry', false, PatchStrategy.ServerSideApply)) as V1Deployment;
    expect(created.metadata?.uid).toBeDefined();
    expect(created.metadata?.managedFields?.[0]).toMatchObject({ manager: 'ferry', operation: 'Apply', fieldsType: 'FieldsV1' });

    const reapplied = (await objects.patch(deployment({ app: 'web' }), undefined, undefined, 'ferry', false, PatchStrategy.ServerSideApply)) as V1Deployment;
    expect(reapplied.metadata?.labels).toEqual({ app: 'web' });

    const conflict = await status(objects.patch(deployment({ app: 'web' }, 'nginx:2'), undefined, undefined, 'someone-else', false, PatchStrategy.ServerSideApply));
    expect(conflict.code).toBe(409);
    expect(conflict.body).toMatchObject({ kind: 'Status', reason: 'Conflict' });
    expect(JSON.stringify(conflict.body['details'])).toContain('FieldManagerConflict');

    const dry = (await objects.patch(deployment({ app: 'web' }, 'nginx:3'), undefined, 'All', 'someone-else', true, PatchStrategy.ServerSideApply)) as V1Deployment;
    expect(dry.spec?.template.spec?.containers[0]?.image).toBe('nginx:3');
    const live = (await objects.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns } })) as V1Deployment;
    expect(live.spec?.template.spec?.containers[0]?.image).toBe('nginx:1');

    await until(() => false, 300);
    const withStatus = await kc.makeApiClient(AppsV1Api).readNamespacedDeploymentStatus({ name: 'web', namespace: ns });
    expect(withStatus.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
    expect(withStatus.status?.readyReplicas).toBe(2);
  });

  it('maps errors to Status bodies: 404, 409 AlreadyExists, 409 Conflict on stale updates', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const missing = await status(core.readNamespacedConfigMap({ name: 'nope', namespace: ns }));
    expect(missing).toMatchObject({ code: 404, body: { reason: 'NotFound', message: 'configmaps "nope" not found' } });
    const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c' }, data: { a: '1' } } });
    const dup = await status(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c' } } }));
    expect(dup.body['reason']).toBe('AlreadyExists');
    await core.replaceNamespacedConfigMap({ name: 'c', namespace: ns, body: { ...cm, data: { a: '2' } } });
    const stale = await status(core.replaceNamespacedConfigMap({ name: 'c', namespace: ns, body: { ...cm, data: { a: '3' } } }));
    expect(stale).toMatchObject({ code: 409, body: { reason: 'Conflict' } });
  });

  it('feeds an informer: add, update, delete', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${ns}/configmaps`, () => core.listNamespacedConfigMap({ namespace: ns }), 'app=x');
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${o.data?.['v']}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'before', labels: { app: 'x' } } } });
    await informer.start();
    await until(() => seen.includes('add before'));
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'other', labels: { app: 'y' } } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c', labels: { app: 'x' } }, data: { v: '1' } } });
    await core.patchNamespacedConfigMap({ name: 'c', namespace: ns, body: [{ op: 'replace', path: '/data/v', value: '2' }] });
    await core.deleteNamespacedConfigMap({ name: 'c', namespace: ns });
    await until(() => seen.includes('delete c'));
    await informer.stop();
    expect(seen).toEqual(['add before', 'add c', 'update c 2', 'delete c']);
    expect(informer.list(ns).map((o) => o.metadata?.name)).toEqual(['before']);
  });

  it('watches from a resourceVersion', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const first = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'a' } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'b' } } });
    const events: string[] = [];
    const req = await new Watch(kc).watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: first.metadata?.resourceVersion },
      (type: string, obj: KubernetesObject) => events.push(`${type} ${obj.metadata?.name}`),
      () => undefined,
    );
    await core.deleteNamespacedConfigMap({ name: 'a', namespace: ns });
    await until(() => events.length >= 2);
    req.abort();
    expect(events).toEqual(['ADDED b', 'DELETED a']);
  });
});

import { DevCluster } from '@ferry/devcluster';
import { KubeClient } from './kube-client';
import { LeaseLock } from './lease-lock';

describe('LeaseLock against the dev cluster', () => {
  let cluster: DevCluster;
  let client: KubeClient;
  let clock = new Date('2026-01-01T00:00:00Z');
  const lock = (identity: string) => new LeaseLock(client, identity, { durationSeconds: 30, now: () => clock });
  const lease = (name: string) => client.get<{ apiVersion: string; kind: string; metadata: { name: string; ownerReferences?: unknown[] }; spec: Record<string, unknown> }>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'default', name });

  beforeAll(async () => {
    cluster = await DevCluster.start({ simulator: false });
    client = KubeClient.fromKubeconfig(cluster.kubeconfig());
  });

  afterAll(() => cluster.stop());

  it('lets one holder at a time take a lease, and the next take it once released', async () => {
    const [a, b] = [lock('replica-a'), lock('replica-b')];
    const releaseA = await a.tryAcquire('default', 'one');
    expect(releaseA).toBeDefined();
    expect((await lease('one'))?.spec).toMatchObject({ holderIdentity: 'replica-a', leaseDurationSeconds: 30, renewTime: '2026-01-01T00:00:00.000000Z', leaseTransitions: 0 });
    expect(await b.tryAcquire('default', 'one')).toBeUndefined();
    await releaseA?.();
    expect((await lease('one'))?.spec['holderIdentity']).toBeUndefined();
    const releaseB = await b.tryAcquire('default', 'one');
    expect(releaseB).toBeDefined();
    expect((await lease('one'))?.spec).toMatchObject({ holderIdentity: 'replica-b', leaseTransitions: 1 });
    await releaseB?.();
  });

  it('takes over a lease whose holder stopped renewing once it expired', async () => {
    expect(await lock('crashed').tryAcquire('default', 'two')).toBeDefined();
    expect(await lock('replica-b').tryAcquire('default', 'two')).toBeUndefined();
    clock = new Date(clock.getTime() + 31_000);
    expect(await lock('replica-b').tryAcquire('default', 'two')).toBeDefined();
    expect((await lease('two'))?.spec['holderIdentity']).toBe('replica-b');
  });

  it('lets exactly one of many racing replicas win', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => lock(`racer-${i}`).tryAcquire('default', 'race')));
    expect(results.filter((release) => release !== undefined)).toHaveLength(1);
  });

  it('is owned by the object it guards, so it is garbage-collected with it', async () => {
    const owner = await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'guarded', namespace: 'default' } });
    await lock('replica-a').tryAcquire('default', 'owned', owner);
    expect((await lease('owned'))?.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'guarded', uid: owner.metadata.uid }]);
    await client.delete(owner);
    for (let i = 0; i < 50 && (await lease('owned')); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await lease('owned')).toBeUndefined();
  });
});

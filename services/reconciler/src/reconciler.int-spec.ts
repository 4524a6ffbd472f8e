import type { AppliedV1, FailedV1, ReconcileFinishedV1 } from '@ferry/contracts';
import { DevCluster } from '@ferry/devcluster';
import { KubeClient, type KubeObject } from '@ferry/kube';
import type { PublishedArtifact } from '../test/artifact-server';
import { ReconcilerFixture, until } from '../test/reconciler-fixture';

jest.setTimeout(90_000);

const manifest = (replicas: number, extra = '') => `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
    - port: 80
---
apiVersion: v1
kind: Secret
metadata:
  name: web-credentials
  namespace: shop
stringData:
  password: s3cret
${extra}`;

const configMapDoc = `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  color: blue
`;

describe('reconciler end to end: dev cluster, NATS, artifact over HTTP', () => {
  const fixture = new ReconcilerFixture();
  const seen = fixture.seen;
  let client: KubeClient;
  let artifacts: ReconcilerFixture['artifacts'];
  const kubectl = (...args: string[]) => fixture.kubectl(...args);

  /** Sets the GitRepository's artifact as the source service would, then announces it on NATS. */
  async function publishRevision(artifact: PublishedArtifact, announce = true): Promise<void> {
    await client.mergePatch(
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'flux-system', name: 'repo' },
      {
        status: {
          artifact: { path: 'x', url: artifact.url, revision: artifact.revision, digest: artifact.digest, lastUpdateTime: new Date().toISOString(), size: artifact.size },
          conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: `stored artifact for revision '${artifact.revision}'`, lastTransitionTime: new Date().toISOString() }],
        },
      },
      { subresource: 'status' },
    );
    if (announce) await fixture.announce({ kind: 'GitRepository', namespace: 'flux-system', name: 'repo' }, artifact);
  }

  const kustomization = (name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system' },
    spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' }, ...spec },
  });

  const ready = async (name: string) =>
    (await client.get<KubeObject & { status?: { conditions?: Array<{ type: string; status: string; reason: string; message: string }>; lastAppliedRevision?: string } }>({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      namespace: 'flux-system',
      name,
    }))?.status;

  beforeAll(async () => {
    await fixture.start();
    client = fixture.client;
    artifacts = fixture.artifacts;
    await client.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'repo', namespace: 'flux-system' }, spec: { url: 'http://git.example/repo', interval: '1m' } });
  });

  afterAll(() => fixture.stop());

  it('applies a commit, follows changes, prunes removed objects, and publishes Applied', async () => {
    const first = artifacts.publish({ 'apps/manifest.yaml': manifest(1, configMapDoc) });
    await publishRevision(first, false);
    await client.create(kustomization('apps', { path: './apps', wait: true, timeout: '30s' }));
    const status = await until(() => ready('apps'), (s) => s?.lastAppliedRevision === first.revision);
    expect(status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${first.revision}` });
    expect((await kubectl('get', 'namespace', 'shop', '-o', 'name')).trim()).toBe('namespace/shop');
    expect((await kubectl('get', 'deploy,svc,secret,configmap', '-n', 'shop', '-o', 'name')).split('\n').filter(Boolean).sort()).toEqual(
      expect.arrayContaining(['configmap/settings', 'deployment.apps/web', 'secret/web-credentials', 'service/web']),
    );

    const second = artifacts.publish({ 'apps/manifest.yaml': manifest(2) });
    await publishRevision(second);
    await until(() => ready('apps'), (s) => s?.lastAppliedRevision === second.revision);
    expect(await kubectl('get', 'deployment', 'web', '-n', 'shop', '-o', 'jsonpath={.spec.replicas}')).toBe('2');
    expect((await kubectl('get', 'configmaps', '-n', 'shop', '-o', 'name')).split('\n')).not.toContain('configmap/settings');

    const applied = await until(
      async () => seen.filter((e): e is AppliedV1 => e.type === 'Applied' && (e as AppliedV1).revision === second.revision),
      (list) => list.length > 0,
    );
    expect(applied[0]?.changeSet).toEqual(
      expect.arrayContaining([
        { id: 'Deployment/shop/web', action: 'configured' },
        { id: 'Service/shop/web', action: 'unchanged' },
        { id: 'ConfigMap/shop/settings', action: 'deleted' },
      ]),
    );
    const history = seen.filter((e) => e.type === 'ReconcileFinished');
    expect(history.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses broken YAML with the file and line, leaving the applied objects alone', async () => {
    const broken = artifacts.publish({ 'apps/manifest.yaml': `${manifest(3)}---\nkind: [unclosed\n` });
    await publishRevision(broken);
    const status = await until(() => ready('apps'), (s) => s?.conditions?.some((c) => c.type === 'Ready' && c.reason === 'BuildFailed') ?? false);
    const message = status?.conditions?.find((c) => c.type === 'Ready')?.message ?? '';
    expect(message).toMatch(/manifest\.yaml/);
    expect(message).toMatch(/line \d+/);
    expect(await kubectl('get', 'deployment', 'web', '-n', 'shop', '-o', 'jsonpath={.spec.replicas}')).toBe('2');
    const failed = await until(async () => seen.filter((e): e is FailedV1 => e.type === 'Failed' && (e as FailedV1).revision === broken.revision), (l) => l.length > 0);
    expect(failed[0]).toMatchObject({ reason: 'BuildFailed', stage: 'build', object: { kind: 'Kustomization', name: 'apps' } });
  });

  it('refuses a tampered artifact whose digest does not match', async () => {
    const tampered = artifacts.publish({ 'apps/manifest.yaml': manifest(4) }, { tamper: true });
    await publishRevision(tampered);
    const status = await until(() => ready('apps'), (s) => s?.conditions?.some((c) => c.reason === 'ArtifactFailed') ?? false);
    expect(status?.conditions?.find((c) => c.type === 'Ready')?.message).toMatch(/computed digest sha256:[0-9a-f]{64} does not match/);
    expect(await kubectl('get', 'deployment', 'web', '-n', 'shop', '-o', 'jsonpath={.spec.replicas}')).toBe('2');
  });

  it('fails with HealthCheckFailed when a Deployment never becomes ready within the timeout', async () => {
    const good = artifacts.publish({
      'apps/manifest.yaml': manifest(2),
      'broken/deploy.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: stuck\n  namespace: flux-system\nspec:\n  selector:\n    matchLabels: {app: stuck}\n  template:\n    metadata:\n      labels: {app: stuck}\n    spec:\n      containers:\n        - name: app\n          image: registry.example/fail:1\n`,
    });
    await publishRevision(good, false);
    await client.create(kustomization('stuck', { path: './broken', wait: true, timeout: '2s' }));
    const status = await until(() => ready('stuck'), (s) => s?.conditions?.some((c) => c.type === 'Ready' && c.status === 'False') ?? false);
    expect(status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ reason: 'HealthCheckFailed' });
    expect(status?.conditions?.find((c) => c.type === 'Ready')?.message).toMatch(/Deployment\/flux-system\/stuck/);
  });

  it('holds a Kustomization until its dependency is ready at the same revision', async () => {
    const revision = artifacts.publish({
      'apps/manifest.yaml': manifest(2),
      'infra/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: infra\n',
      'late/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: late\n  namespace: infra\ndata: {a: b}\n',
    });
    await publishRevision(revision);
    await client.create(kustomization('late', { path: './late', dependsOn: [{ name: 'infra' }], retryInterval: '1s' }));
    const waiting = await until(() => ready('late'), (s) => s?.conditions?.some((c) => c.reason === 'DependencyNotReady') ?? false);
    expect(waiting?.conditions?.find((c) => c.type === 'Ready')?.message).toBe("dependency 'flux-system/infra' not found");
    await client.create(kustomization('infra', { path: './infra' }));
    const done = await until(() => ready('late'), (s) => s?.lastAppliedRevision === revision.revision, 60_000);
    expect(done?.lastAppliedRevision).toBe(revision.revision);
    expect((await ready('infra'))?.lastAppliedRevision).toBe(revision.revision);
    expect((await kubectl('get', 'configmap', 'late', '-n', 'infra', '-o', 'name')).trim()).toBe('configmap/late');
  });
  it('applies to the remote cluster named by spec.kubeConfig, after reporting its missing Secret', async () => {
    const remote = await DevCluster.start({ simulator: false });
    try {
      const settings = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'remote-settings' };
      const revision = artifacts.publish({ 'remote/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: remote-settings\n  namespace: default\ndata: {a: b}\n' });
      await publishRevision(revision, false);
      await client.create(kustomization('remote', { path: './remote', kubeConfig: { secretRef: { name: 'remote-kubeconfig' } }, retryInterval: '1s' }));
      const missing = await until(() => ready('remote'), (s) => s?.conditions?.some((c) => c.type === 'Ready' && c.status === 'False') ?? false);
      expect(missing?.conditions?.find((c) => c.type === 'Ready')?.message).toBe("kubeConfig: Secret 'flux-system/remote-kubeconfig' not found");

      await client.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'remote-kubeconfig', namespace: 'flux-system' },
        data: { value: Buffer.from(remote.kubeconfig()).toString('base64') },
      });
      const done = await until(() => ready('remote'), (s) => s?.lastAppliedRevision === revision.revision);
      expect(done?.lastAppliedRevision).toBe(revision.revision);
      expect(await KubeClient.fromKubeconfig(remote.kubeconfig()).get(settings)).toMatchObject({ data: { a: 'b' } });
      expect(await client.get(settings)).toBeUndefined();
    } finally {
      await remote.stop();
    }
  });
  it('shares work with a second replica, never reconciling one Kustomization twice at the same time', async () => {
    const second = await fixture.startReplica('reconciler-2.db');
    try {
      const files: Record<string, string> = {};
      const names = Array.from({ length: 8 }, (_, i) => `shared-${i}`);
      for (const name of names) files[`${name}/cm.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: flux-system\ndata: {a: b}\n`;
      const revision = artifacts.publish(files);
      await publishRevision(revision, false);
      await Promise.all(names.map((name) => client.create(kustomization(name, { path: `./${name}` }))));
      for (const name of names) await until(() => ready(name), (s) => s?.lastAppliedRevision === revision.revision);

      // Status is written before the history event reaches NATS through the outbox: wait for the events too.
      const finishedRuns = async () => seen.filter((e): e is ReconcileFinishedV1 => e.type === 'ReconcileFinished' && names.includes((e as ReconcileFinishedV1).object.name));
      const runs = await until(finishedRuns, (list) => names.every((name) => list.some((run) => run.object.name === name && run.outcome === 'succeeded')));
      for (const name of names) {
        const spans = runs
          .filter((run) => run.object.name === name)
          .map((run) => ({ end: Date.parse(run.occurredAt), start: Date.parse(run.occurredAt) - run.durationMs }))
          .sort((a, b) => a.start - b.start);
        expect(spans.length).toBeGreaterThanOrEqual(1);
        for (let i = 1; i < spans.length; i++) expect(spans[i]?.start).toBeGreaterThanOrEqual(spans[i - 1]?.end ?? 0);
      }
      const lease = await client.get<KubeObject & { spec?: { holderIdentity?: string } }>({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace: 'flux-system', name: 'kustomization-shared-0' });
      expect(lease?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Kustomization', name: 'shared-0' })]);
      expect(lease?.spec?.holderIdentity).toBeUndefined();
    } finally {
      await second.close();
    }
  });
  it('garbage-collects what a deleted Kustomization applied through its finalizer, unless its deletionPolicy orphans it', async () => {
    const locator = (name: string) => ({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system', name });
    const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'flux-system', name });
    expect((await client.get(locator('shared-0')))?.metadata.finalizers).toEqual(['finalizers.fluxcd.io']);
    await client.mergePatch(locator('shared-1'), { spec: { deletionPolicy: 'Orphan' } });
    await until(() => ready('shared-1'), (s) => (s as { observedGeneration?: number } | undefined)?.observedGeneration === 2);

    await client.delete(locator('shared-0'));
    await client.delete(locator('shared-1'));
    await until(async () => [await client.get(locator('shared-0')), await client.get(locator('shared-1'))], (both) => both.every((k) => k === undefined));
    expect(await client.get(configMap('shared-0'))).toBeUndefined();
    expect(await client.get(configMap('shared-1'))).toMatchObject({ data: { a: 'b' } });
  });
  it('applies spec overlays and postBuild variables, honours ssa/prune annotations, and recreates on immutable changes with force', async () => {
    const locate = (kind: string, name: string) => ({ apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1', kind, namespace: 'team', name });
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-vars', namespace: 'flux-system' }, data: { color: 'red' } });
    const files = (selector: string, keep: string, withProtected: boolean) => ({
      'overlay/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n',
      'overlay/app.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  labels: {color: "\${color}"}\nspec:\n  replicas: \${replicas:=1}\n  selector:\n    matchLabels: {app: ${selector}}\n  template:\n    metadata:\n      labels: {app: ${selector}}\n    spec:\n      containers:\n        - name: api\n          image: registry.example/api:1\n`,
      'overlay/keep.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n  annotations: {kustomize.toolkit.fluxcd.io/ssa: IfNotPresent}\ndata: {v: "${keep}"}\n`,
      ...(withProtected ? { 'overlay/protected.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: protected\n  annotations: {kustomize.toolkit.fluxcd.io/prune: disabled}\ndata: {a: b}\n' } : {}),
    });
    const first = artifacts.publish(files('api', '1', true));
    await publishRevision(first, false);
    await client.create(
      kustomization('overlay', {
        path: './overlay',
        targetNamespace: 'team',
        namePrefix: 'p-',
        commonMetadata: { labels: { owner: 'platform' } },
        postBuild: { substitute: { replicas: '2' }, substituteFrom: [{ kind: 'ConfigMap', name: 'cluster-vars' }] },
        force: true,
      }),
    );
    await until(() => ready('overlay'), (s) => s?.lastAppliedRevision === first.revision);
    const api = await client.get<KubeObject & { spec: { replicas: number; selector: unknown } }>(locate('Deployment', 'p-api'));
    expect(api?.spec.replicas).toBe(2);
    expect(api?.metadata.labels).toMatchObject({ color: 'red', owner: 'platform' });
    await client.mergePatch(locate('ConfigMap', 'p-keep'), { data: { v: 'changed by hand' } });

    const second = artifacts.publish(files('api-v2', '2', false));
    await publishRevision(second);
    const status = await until(() => ready('overlay'), (s) => s?.lastAppliedRevision === second.revision || s?.conditions?.some((c) => c.type === 'Ready' && c.status === 'False') === true);
    expect(status?.lastAppliedRevision).toBe(second.revision);
    const recreated = await client.get<KubeObject & { spec: { selector: unknown } }>(locate('Deployment', 'p-api'));
    expect(recreated?.spec.selector).toEqual({ matchLabels: { app: 'api-v2' } });
    expect(recreated?.metadata.uid).not.toBe(api?.metadata.uid);
    expect(await client.get(locate('ConfigMap', 'p-keep'))).toMatchObject({ data: { v: 'changed by hand' } });
    expect(await client.get(locate('ConfigMap', 'p-protected'))).toMatchObject({ data: { a: 'b' } });
  });
});

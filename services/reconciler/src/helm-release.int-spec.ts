import type { AppliedV1, Condition, HelmReleaseSnapshot } from '@ferry/contracts';
import type { KubeClient, KubeObject } from '@ferry/kube';
import type { PublishedArtifact } from '../test/artifact-server';
import { ReconcilerFixture, until } from '../test/reconciler-fixture';

jest.setTimeout(120_000);

/** A podinfo-like chart: a Deployment and a Service from values, a ConfigMap from a `lookup`, one Helm keeps, and a test hook Job. */
const chartFiles = (version: string): Record<string, string> => ({
  'podinfo/Chart.yaml': `apiVersion: v2\nname: podinfo\nversion: ${version}\nappVersion: ${version}\ndescription: podinfo-like test chart\n`,
  'podinfo/values.yaml': 'replicaCount: 1\nimage:\n  repository: ghcr.io/stefanprodan/podinfo\n  tag: 6.5.0\nservice:\n  port: 9898\n',
  'podinfo/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    app: {{ .Release.Name }}
    chart: {{ .Chart.Name }}-{{ .Chart.Version }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: podinfo
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          ports:
            - containerPort: {{ .Values.service.port }}
`,
  'podinfo/templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    app: {{ .Release.Name }}
  ports:
    - port: {{ .Values.service.port }}
`,
  'podinfo/templates/lookup.yaml': `{{- $values := lookup "v1" "ConfigMap" .Release.Namespace "podinfo-values" }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-lookup
data:
  valuesFound: {{ hasKey $values "data" | quote }}
  kubeVersion: {{ .Capabilities.KubeVersion.Version | quote }}
`,
  'podinfo/templates/data.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-data
  annotations:
    helm.sh/resource-policy: keep
data:
  owner: {{ .Release.Name }}
`,
  'podinfo/templates/extra.yaml': `{{- if .Values.extra }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-extra
data:
  extra: "true"
{{- end }}
`,
  'podinfo/templates/tests/test-connection.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-test
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: wget
          image: busybox
          command: ["wget", "{{ .Release.Name }}:{{ .Values.service.port }}"]
`,
});

type HelmReleaseObject = KubeObject & {
  status?: {
    conditions?: Condition[];
    history?: HelmReleaseSnapshot[];
    helmChart?: string;
    upgradeFailures?: number;
    installFailures?: number;
    lastAttemptedReleaseAction?: string;
    observedGeneration?: number;
  };
};

describe('HelmRelease end to end: dev cluster, NATS, chart artifact over HTTP, Helm release Secrets', () => {
  const fixture = new ReconcilerFixture();
  let client: KubeClient;
  const locate = (name: string) => ({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace: 'apps', name });
  const status = async (name: string) => (await client.get<HelmReleaseObject>(locate(name)))?.status;
  const condition = (s: HelmReleaseObject['status'], type: string) => s?.conditions?.find((c) => c.type === type);
  const releaseSecrets = async (release: string) =>
    (await fixture.kubectl('get', 'secrets', '-n', 'apps', '-l', `owner=helm,name=${release}`, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.metadata.labels.status}{"\\n"}{end}'))
      .split('\n')
      .filter(Boolean)
      .sort();

  /** Publishes a chart version as source-controller would: the HelmChart's artifact and Ready, then ArtifactReady. */
  async function publishChart(chart: string, version: string): Promise<PublishedArtifact> {
    const artifact = fixture.artifacts.publish(chartFiles(version), { top: 'podinfo', revision: version });
    const locator = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', namespace: 'apps', name: chart };
    if (!(await client.get(locator))) {
      await client.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', metadata: { name: chart, namespace: 'apps' }, spec: { chart: 'podinfo', version: '*', sourceRef: { kind: 'HelmRepository', name: 'podinfo' }, interval: '5m' } });
    }
    const now = new Date().toISOString();
    await client.mergePatch(
      locator,
      {
        status: {
          artifact: { path: `helmchart/apps/${chart}/podinfo-${version}.tgz`, url: artifact.url, revision: version, digest: artifact.digest, lastUpdateTime: now, size: artifact.size },
          conditions: [{ type: 'Ready', status: 'True', reason: 'ChartPullSucceeded', message: `pulled 'podinfo' chart with version '${version}'`, lastTransitionTime: now }],
        },
      },
      { subresource: 'status' },
    );
    await fixture.announce({ kind: 'HelmChart', namespace: 'apps', name: chart }, artifact);
    return artifact;
  }

  const helmRelease = (name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name, namespace: 'apps' },
    spec: {
      interval: '10m',
      timeout: '20s',
      chart: { spec: { chart: 'podinfo', version: '*', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } },
      ...spec,
    },
  });

  beforeAll(async () => {
    await fixture.start();
    client = fixture.client;
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
  });

  afterAll(() => fixture.stop());

  it('installs a chart with values from a ConfigMap and spec.values, as Helm would record it', async () => {
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'podinfo-values', namespace: 'apps' }, data: { 'values.yaml': 'replicaCount: 2\nservice:\n  port: 8080\n' } });
    await publishChart('apps-podinfo', '6.5.0');
    await client.create(
      helmRelease('podinfo', {
        valuesFrom: [{ kind: 'ConfigMap', name: 'podinfo-values' }, { kind: 'Secret', name: 'absent', optional: true }],
        values: { image: { tag: '6.5.1' } },
        test: { enable: true },
        install: { remediation: { retries: 1 } },
      }),
    );
    const done = await until(() => status('podinfo'), (s) => condition(s, 'Ready')?.status === 'True');
    expect(condition(done, 'Released')).toMatchObject({ status: 'True', reason: 'InstallSucceeded', message: 'Helm install succeeded for release apps/podinfo.v1 with chart podinfo@6.5.0' });
    expect(condition(done, 'TestSuccess')).toMatchObject({ status: 'True', reason: 'TestSucceeded' });
    expect(done?.helmChart).toBe('apps/apps-podinfo');
    expect(done?.history?.[0]).toMatchObject({ name: 'podinfo', namespace: 'apps', version: 1, status: 'deployed', chartName: 'podinfo', chartVersion: '6.5.0' });
    expect(done?.history?.[0]?.testHooks?.['podinfo-test']).toMatchObject({ phase: 'Succeeded' });

    expect(await fixture.kubectl('get', 'deployment', 'podinfo', '-n', 'apps', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}')).toBe('2 ghcr.io/stefanprodan/podinfo:6.5.1');
    expect(await fixture.kubectl('get', 'service', 'podinfo', '-n', 'apps', '-o', 'jsonpath={.spec.ports[0].port}')).toBe('8080');
    expect(await fixture.kubectl('get', 'configmap', 'podinfo-lookup', '-n', 'apps', '-o', 'jsonpath={.data.valuesFound}')).toBe('true');
    // .Capabilities.KubeVersion is the release cluster's (the dev cluster's), not Helm's offline default.
    expect(await fixture.kubectl('get', 'configmap', 'podinfo-lookup', '-n', 'apps', '-o', 'jsonpath={.data.kubeVersion}')).toBe((await client.version()).gitVersion);
    const metadata = JSON.parse(await fixture.kubectl('get', 'deployment', 'podinfo', '-n', 'apps', '-o', 'jsonpath={.metadata}')) as { labels: Record<string, string>; annotations: Record<string, string>; managedFields: Array<{ manager: string }> };
    expect(metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'Helm', 'helm.toolkit.fluxcd.io/name': 'podinfo', 'helm.toolkit.fluxcd.io/namespace': 'apps' });
    expect(metadata.annotations).toMatchObject({ 'meta.helm.sh/release-name': 'podinfo', 'meta.helm.sh/release-namespace': 'apps' });
    expect(metadata.managedFields.map((f) => f.manager)).toContain('helm-controller');
    expect(await releaseSecrets('podinfo')).toEqual(['sh.helm.release.v1.podinfo.v1=deployed']);
    expect(await fixture.kubectl('get', 'helmchart', 'apps-podinfo', '-n', 'apps', '-o', 'jsonpath={.metadata.labels.helm\\.toolkit\\.fluxcd\\.io/name}')).toBe('podinfo');

    const applied = await until(async () => fixture.seen.filter((e): e is AppliedV1 => e.type === 'Applied' && (e as AppliedV1).object.kind === 'HelmRelease'), (l) => l.length > 0);
    expect(applied[0]).toMatchObject({ object: { kind: 'HelmRelease', namespace: 'apps', name: 'podinfo' }, revision: '6.5.0' });
    expect(applied[0]?.changeSet).toEqual(expect.arrayContaining([{ id: 'Deployment/apps/podinfo', action: 'created' }, { id: 'Service/apps/podinfo', action: 'created' }]));
  });

  it('upgrades when the values change, superseding the previous revision', async () => {
    await client.mergePatch(locate('podinfo'), { spec: { values: { image: { tag: '6.5.1' }, replicaCount: 3 } } });
    const done = await until(() => status('podinfo'), (s) => s?.history?.[0]?.version === 2 && condition(s, 'Ready')?.status === 'True');
    expect(condition(done, 'Released')).toMatchObject({ reason: 'UpgradeSucceeded', message: 'Helm upgrade succeeded for release apps/podinfo.v2 with chart podinfo@6.5.0' });
    expect(await fixture.kubectl('get', 'deployment', 'podinfo', '-n', 'apps', '-o', 'jsonpath={.spec.replicas}')).toBe('3');
    expect(await releaseSecrets('podinfo')).toEqual(['sh.helm.release.v1.podinfo.v1=superseded', 'sh.helm.release.v1.podinfo.v2=deployed']);
  });

  it('rolls a failing upgrade back after its retries, then stalls', async () => {
    await client.mergePatch(locate('podinfo'), {
      spec: { timeout: '2s', test: { enable: false }, upgrade: { remediation: { retries: 1 } }, values: { image: { repository: 'registry.example/fail', tag: '1.0' } } },
    });
    const stalled = await until(() => status('podinfo'), (s) => condition(s, 'Stalled')?.status === 'True', 90_000);
    expect(condition(stalled, 'Stalled')).toMatchObject({ reason: 'RetriesExceeded' });
    expect(condition(stalled, 'Ready')).toMatchObject({ status: 'False', reason: 'RollbackSucceeded' });
    expect(condition(stalled, 'Remediated')?.message).toMatch(/^Helm rollback to previous release apps\/podinfo\.v\d+ with chart podinfo@6\.5\.0 succeeded$/);
    expect(stalled?.upgradeFailures).toBe(2);
    expect(await fixture.kubectl('get', 'deployment', 'podinfo', '-n', 'apps', '-o', 'jsonpath={.spec.template.spec.containers[0].image}')).toBe('ghcr.io/stefanprodan/podinfo:6.5.1');
    const secrets = await releaseSecrets('podinfo');
    expect(secrets.filter((s) => s.endsWith('=deployed'))).toHaveLength(1);
    expect(secrets.filter((s) => s.endsWith('=failed'))).toHaveLength(0);
    expect(secrets.length).toBeGreaterThanOrEqual(4);

    // `flux reconcile hr --reset`: the failure counts start over, so the upgrade is tried (and remediated) again.
    const before = stalled?.history?.[0]?.version ?? 0;
    await client.mergePatch(locate('podinfo'), { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'retry-1', 'reconcile.fluxcd.io/resetAt': 'retry-1' } } });
    const retried = await until(
      () => client.get<HelmReleaseObject & { status?: { lastHandledResetAt?: string } }>(locate('podinfo')),
      // Done when both retries failed again and the reconcile ended (no Reconciling), stalled anew.
      (o) => o?.status?.upgradeFailures === 2 && o.status.lastHandledResetAt === 'retry-1' && !condition(o.status, 'Reconciling') && condition(o.status, 'Stalled')?.status === 'True',
      60_000,
    );
    expect(retried?.status?.history?.[0]?.version).toBeGreaterThan(before + 2);
    expect(condition(retried?.status, 'Ready')?.reason).toBe('RollbackSucceeded');
  });

  it('uninstalls a failed install and installs again, stalling once install retries are exhausted', async () => {
    await publishChart('apps-broken', '6.5.0');
    await client.create(helmRelease('broken', { timeout: '2s', install: { remediation: { retries: 1 } }, values: { image: { repository: 'registry.example/fail' } } }));
    const stalled = await until(() => status('broken'), (s) => condition(s, 'Stalled')?.status === 'True', 60_000);
    expect(condition(stalled, 'Stalled')).toMatchObject({ reason: 'RetriesExceeded', message: 'exceeded maximum retries: cannot remediate failed release' });
    expect(condition(stalled, 'Released')).toMatchObject({ status: 'False', reason: 'InstallFailed' });
    expect(condition(stalled, 'Released')?.message).toMatch(/^Helm install failed for release apps\/broken\.v2 with chart podinfo@6\.5\.0: resources not ready: Deployment\/apps\/broken/);
    expect(stalled).toMatchObject({ installFailures: 2, lastAttemptedReleaseAction: 'install' });
    expect(await releaseSecrets('broken')).toEqual(['sh.helm.release.v1.broken.v1=uninstalled', 'sh.helm.release.v1.broken.v2=failed']);
  });

  it('corrects drift in enabled mode and only reports it in warn mode', async () => {
    await publishChart('apps-drifty', '6.5.0');
    await client.create(helmRelease('drifty', { driftDetection: { mode: 'enabled' } }));
    await until(() => status('drifty'), (s) => condition(s, 'Ready')?.status === 'True');
    const replicas = () => fixture.kubectl('get', 'deployment', 'drifty', '-n', 'apps', '-o', 'jsonpath={.spec.replicas}');
    const request = (at: string) => client.mergePatch(locate('drifty'), { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': at } } });
    const handled = (at: string) => until(() => client.get<HelmReleaseObject & { status?: { lastHandledReconcileAt?: string } }>(locate('drifty')), (o) => o?.status?.lastHandledReconcileAt === at);

    await fixture.kubectl('scale', 'deployment', 'drifty', '-n', 'apps', '--replicas=5');
    await request('first');
    await handled('first');
    expect(await replicas()).toBe('1');

    await client.mergePatch(locate('drifty'), { spec: { driftDetection: { mode: 'warn' } } });
    await until(() => status('drifty'), (s) => s?.observedGeneration === 2);
    await fixture.kubectl('scale', 'deployment', 'drifty', '-n', 'apps', '--replicas=4');
    await request('second');
    await handled('second');
    expect(await replicas()).toBe('4');
    const events = await fixture.kubectl('get', 'events', '-n', 'apps', '--field-selector', 'involvedObject.name=drifty,reason=DriftDetected', '-o', 'jsonpath={range .items[*]}{.message}{"\\n---\\n"}{end}');
    expect(events).toContain('Cluster state of release apps/drifty.v1 has drifted from the desired state:\nDeployment/apps/drifty changed');
    expect(events).toContain('has been corrected');
  });

  it('waits for its dependencies to be Ready', async () => {
    await publishChart('apps-frontend', '6.5.0');
    await client.create(helmRelease('frontend', { dependsOn: [{ name: 'backend' }] }));
    const waiting = await until(() => status('frontend'), (s) => condition(s, 'Ready')?.reason === 'DependencyNotReady');
    expect(condition(waiting, 'Ready')?.message).toBe("dependency 'apps/backend' not found");
    await publishChart('apps-backend', '6.5.0');
    await client.create(helmRelease('backend', {}));
    const done = await until(() => status('frontend'), (s) => condition(s, 'Ready')?.status === 'True');
    expect(condition(done, 'Released')?.reason).toBe('InstallSucceeded');
  });

  it('creates the HelmChart of spec.chart, waits for its artifact, and installs on ArtifactReady', async () => {
    await client.create(helmRelease('waiting', { chart: { metadata: { labels: { team: 'web' } }, spec: { chart: 'podinfo', version: '6.x', sourceRef: { kind: 'HelmRepository', name: 'podinfo' }, interval: '2m' } } }));
    const waiting = await until(() => status('waiting'), (s) => condition(s, 'Ready')?.reason === 'HelmChartNotReady');
    expect(condition(waiting, 'Ready')).toMatchObject({ status: 'False', message: "HelmChart 'apps/apps-waiting' is not ready" });
    const chart = await client.get<KubeObject & { spec: Record<string, unknown> }>({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', namespace: 'apps', name: 'apps-waiting' });
    expect(chart?.metadata.labels).toMatchObject({ team: 'web', 'helm.toolkit.fluxcd.io/name': 'waiting', 'helm.toolkit.fluxcd.io/namespace': 'apps' });
    expect(chart?.spec).toMatchObject({ chart: 'podinfo', version: '6.x', sourceRef: { kind: 'HelmRepository', name: 'podinfo' }, interval: '2m' });

    await publishChart('apps-waiting', '6.5.0');
    const done = await until(() => status('waiting'), (s) => condition(s, 'Ready')?.status === 'True');
    expect(condition(done, 'Ready')?.message).toBe('Helm install succeeded for release apps/waiting.v1 with chart podinfo@6.5.0');
  });

  it('keeps earlier values with preserveValues, deletes what a failed upgrade created with cleanupOnFail, orphans dependents on uninstall', async () => {
    await publishChart('apps-extras', '6.5.0');
    await client.create(
      helmRelease('extras', {
        timeout: '3s',
        values: { replicaCount: 2 },
        upgrade: { preserveValues: true, cleanupOnFail: true },
        uninstall: { deletionPropagation: 'orphan' },
      }),
    );
    await until(() => status('extras'), (s) => condition(s, 'Ready')?.status === 'True');
    await client.mergePatch(locate('extras'), { spec: { values: { replicaCount: null, image: { tag: '6.5.2' } } } });
    await until(() => status('extras'), (s) => s?.history?.[0]?.version === 2 && condition(s, 'Ready')?.status === 'True');
    expect(await fixture.kubectl('get', 'deployment', 'extras', '-n', 'apps', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}')).toBe('2 ghcr.io/stefanprodan/podinfo:6.5.2');

    await client.mergePatch(locate('extras'), { spec: { values: { extra: true, image: { repository: 'registry.example/fail' } } } });
    const failed = await until(() => status('extras'), (s) => condition(s, 'Released')?.reason === 'UpgradeFailed');
    expect(condition(failed, 'Released')?.message).toMatch(/^Helm upgrade failed for release apps\/extras\.v3 with chart podinfo@6\.5\.0: /);
    expect(await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'extras-extra' })).toBeUndefined();
    const replicaSets = await fixture.kubectl('get', 'replicasets', '-n', 'apps', '-l', 'app=extras', '-o', 'name');
    expect(replicaSets).not.toBe('');

    await client.delete(locate('extras'));
    await until(() => client.get(locate('extras')), (object) => object === undefined);
    expect(await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'apps', name: 'extras' })).toBeUndefined();
    expect(await fixture.kubectl('get', 'replicasets', '-n', 'apps', '-l', 'app=extras', '-o', 'name')).toBe(replicaSets);
  });

  it('uninstalls on deletion: objects and release Secrets gone, unless keepHistory keeps them marked uninstalled', async () => {
    await publishChart('apps-kept', '6.5.0');
    await client.create(helmRelease('kept', { uninstall: { keepHistory: true }, values: { service: { port: 7070 } } }));
    await until(() => status('kept'), (s) => condition(s, 'Ready')?.status === 'True');

    const names = ['podinfo', 'kept', 'drifty', 'frontend', 'backend', 'broken', 'waiting'];
    for (const name of names) await client.delete(locate(name));
    await until(async () => Promise.all(names.map((name) => client.get(locate(name)))), (all) => all.every((o) => o === undefined), 60_000);
    expect(await releaseSecrets('podinfo')).toEqual([]);
    expect(await releaseSecrets('kept')).toEqual(['sh.helm.release.v1.kept.v1=uninstalled']);
    expect((await fixture.kubectl('get', 'deployments', '-n', 'apps', '-o', 'name')).trim()).toBe('');
    // helm.sh/resource-policy: keep outlives the release, as with Helm.
    expect(await fixture.kubectl('get', 'configmap', 'podinfo-data', '-n', 'apps', '-o', 'jsonpath={.data.owner}')).toBe('podinfo');
    expect((await fixture.kubectl('get', 'configmap', 'podinfo-lookup', '-n', 'apps', '--ignore-not-found', '-o', 'name')).trim()).toBe('');
    expect(await client.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', namespace: 'apps', name: 'apps-podinfo' })).toBeUndefined();
  });
});

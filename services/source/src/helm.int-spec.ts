import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { extractTarGz, fetchArtifact } from '@ferry/artifact';
import type { HelmChart, HelmRepository } from '@ferry/contracts';
import type { KubeObject } from '@ferry/kube';
import { GitServer, HelmRepositoryServer, OciRegistryServer, podinfoLikeChart, selfSignedCertificate, uniqueSuffix } from '@ferry/testing';
import { SourceServiceFixture } from '../test/source-service-fixture';

jest.setTimeout(90_000);

const API = 'source.toolkit.fluxcd.io/v1';

describe('source service: HelmRepository and HelmChart against loopback chart and git servers, the dev cluster and NATS', () => {
  const fixture = new SourceServiceFixture();
  let helm: HelmRepositoryServer;
  let registry: OciRegistryServer;
  let git: GitServer;

  beforeAll(async () => {
    helm = await HelmRepositoryServer.start({ basic: { username: 'helm', password: 'chart-pw' }, etag: true });
    registry = await OciRegistryServer.start({ basic: { username: 'helm', password: 'chart-pw' } });
    git = await GitServer.start();
    await fixture.start();
  });

  afterAll(async () => {
    expect(await fixture.stop()).toBe(0);
    await helm.stop();
    await registry.stop();
    await git.stop();
  });

  async function namespaceWithSecret(password = 'chart-pw'): Promise<string> {
    const namespace = `ns-${uniqueSuffix()}`;
    await fixture.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, { fieldManager: 'test' });
    await fixture.kube.apply(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'helm-auth', namespace }, stringData: { username: 'helm', password } } as KubeObject,
      { fieldManager: 'test' },
    );
    return namespace;
  }

  const apply = (kind: 'HelmRepository' | 'HelmChart', namespace: string, name: string, spec: Record<string, unknown>) =>
    fixture.kube.apply({ apiVersion: API, kind, metadata: { name, namespace }, spec } as KubeObject, { fieldManager: 'test' });

  const get = async <T extends HelmRepository | HelmChart>(kind: T['kind'], namespace: string, name: string) =>
    (await fixture.kube.get({ apiVersion: API, kind, namespace, name })) as unknown as T;

  const ready = (object: HelmRepository | HelmChart | undefined) => object?.status?.conditions?.find((c) => c.type === 'Ready');

  async function requestReconcile(kind: string, namespace: string, name: string): Promise<void> {
    await fixture.kube.mergePatch({ apiVersion: API, kind, namespace, name }, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() } } });
  }

  it('stores the index, picks the highest version in a semver range, serves the chart, and follows a new version', async () => {
    const namespace = await namespaceWithSecret();
    helm.publish(podinfoLikeChart('6.0.0'), new Date('2026-01-01T00:00:00Z'));
    helm.publish(podinfoLikeChart('6.1.0'), new Date('2026-01-02T00:00:00Z'));
    helm.publish(podinfoLikeChart('7.0.0-rc.1'), new Date('2026-01-03T00:00:00Z'));
    await apply('HelmRepository', namespace, 'charts', { url: helm.url, interval: '10m', secretRef: { name: 'helm-auth' } });
    await apply('HelmChart', namespace, 'podinfo', { chart: 'podinfo', version: '6.x', sourceRef: { kind: 'HelmRepository', name: 'charts' }, interval: '10m' });

    const indexReady = await fixture.waitFor('HelmRepository ArtifactReady', () => fixture.eventsOf('ArtifactReady', 'HelmRepository', namespace, 'charts')[0]);
    expect(indexReady.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(indexReady.revision).toBe(indexReady.digest);
    expect(indexReady.url).toBe(`${fixture.service.url}/helmrepository/${namespace}/charts/index-${indexReady.digest.slice(7)}.yaml`);
    const repository = await fixture.waitFor('HelmRepository Ready', async () => {
      const object = await get<HelmRepository>('HelmRepository', namespace, 'charts');
      return ready(object)?.status === 'True' ? object : undefined;
    });
    expect(ready(repository)?.message).toBe(`stored artifact: revision '${indexReady.digest}'`);
    expect(repository.status?.url).toBe(indexReady.url);
    expect(repository.status?.conditions?.find((c) => c.type === 'ArtifactInStorage')).toMatchObject({ status: 'True' });
    const index = await fetchArtifact(indexReady.url, indexReady.digest, { maxBytes: 1_000_000, timeoutMs: 10_000 });
    expect(Object.keys((parse(index.toString()) as { entries: Record<string, unknown> }).entries)).toEqual(['podinfo']);

    const chartReady = await fixture.waitFor('HelmChart ArtifactReady', () => fixture.eventsOf('ArtifactReady', 'HelmChart', namespace, 'podinfo')[0]);
    expect(chartReady.revision).toBe('6.1.0');
    expect(chartReady.url).toMatch(new RegExp(`/helmchart/${namespace}/podinfo/podinfo-6\\.1\\.0\\.tgz$`));
    const archive = await fetchArtifact(chartReady.url, chartReady.digest, { maxBytes: 10_000_000, timeoutMs: 10_000 });
    expect(archive.equals(helm.archive({ file: 'podinfo-6.1.0.tgz' }))).toBe(true);
    const root = join(fixture.dir.path, `chart-${namespace}`);
    extractTarGz(archive, root);
    expect(parse(readFileSync(join(root, 'podinfo', 'Chart.yaml'), 'utf8'))).toMatchObject({ name: 'podinfo', version: '6.1.0' });
    const chart = await fixture.waitFor('HelmChart Ready', async () => {
      const object = await get<HelmChart>('HelmChart', namespace, 'podinfo');
      return ready(object)?.status === 'True' ? object : undefined;
    });
    expect(ready(chart)).toMatchObject({ reason: 'ChartPullSucceeded', message: "pulled 'podinfo' chart with version '6.1.0'" });
    expect(chart.status).toMatchObject({ observedChartName: 'podinfo', observedSourceArtifactRevision: indexReady.revision, artifact: { revision: '6.1.0', digest: chartReady.digest } });

    // Nothing new upstream: no new artifact for either object, and the chart is not downloaded again.
    const chartDownloads = helm.requestCount('/podinfo-6.1.0.tgz');
    const finished = fixture.eventsOf('ReconcileFinished', 'HelmRepository', namespace, 'charts').length;
    await requestReconcile('HelmRepository', namespace, 'charts');
    await fixture.waitFor('unchanged reconcile', () => fixture.eventsOf('ReconcileFinished', 'HelmRepository', namespace, 'charts').length > finished);
    expect(fixture.eventsOf('ReconcileFinished', 'HelmRepository', namespace, 'charts').at(-1)).toMatchObject({ outcome: 'unchanged' });
    // The server sends ETags: the unchanged index was answered 304, not sent again.
    expect(helm.requests.filter((r) => r.path === '/index.yaml').at(-1)?.status).toBe(304);
    expect(fixture.eventsOf('ArtifactReady', 'HelmRepository', namespace, 'charts')).toHaveLength(1);
    // Asked through NATS (flux reconcile source chart): unchanged, nothing downloaded, the cause carried along.
    const chartFinished = fixture.eventsOf('ReconcileFinished', 'HelmChart', namespace, 'podinfo').length;
    const request = await fixture.requestReconcile({ kind: 'HelmChart', namespace, name: 'podinfo' });
    const requested = await fixture.waitFor('requested HelmChart reconcile', () => fixture.eventsOf('ReconcileFinished', 'HelmChart', namespace, 'podinfo')[chartFinished]);
    expect(requested).toMatchObject({ outcome: 'unchanged', revision: '6.1.0', causationId: request.id });

    // A new version in range: new index artifact, then the chart follows at once.
    helm.publish(podinfoLikeChart('6.2.0'), new Date('2026-01-04T00:00:00Z'));
    await requestReconcile('HelmRepository', namespace, 'charts');
    const next = await fixture.waitFor('second HelmChart ArtifactReady', () => fixture.eventsOf('ArtifactReady', 'HelmChart', namespace, 'podinfo')[1]);
    expect(next.revision).toBe('6.2.0');
    expect(fixture.eventsOf('ArtifactReady', 'HelmRepository', namespace, 'charts')).toHaveLength(2);
    expect(helm.requestCount('/podinfo-6.1.0.tgz')).toBe(chartDownloads);
    // Two artifacts are kept per object (ARTIFACT_RETENTION): the previous version is still served.
    expect((await fetch(chartReady.url)).status).toBe(200);
    expect((await fetch(next.url)).status).toBe(200);
  });

  it('pulls a chart from an OCI HelmRepository by semver range, follows a new tag at the interval, and reports refused credentials', async () => {
    const namespace = await namespaceWithSecret();
    const repositoryPath = `charts-${namespace}`;
    registry.pushChart(repositoryPath, podinfoLikeChart('6.0.0'));
    const pushed = registry.pushChart(repositoryPath, podinfoLikeChart('6.1.0'));
    registry.pushChart(repositoryPath, podinfoLikeChart('7.0.0'));
    await apply('HelmRepository', namespace, 'oci', { url: registry.url(repositoryPath), type: 'oci', insecure: true, interval: '10m', secretRef: { name: 'helm-auth' } });
    await apply('HelmChart', namespace, 'podinfo', { chart: 'podinfo', version: '6.x', sourceRef: { kind: 'HelmRepository', name: 'oci' }, interval: '2s' });

    const repository = await fixture.waitFor('OCI HelmRepository Ready', async () => {
      const object = await get<HelmRepository>('HelmRepository', namespace, 'oci');
      return ready(object)?.status === 'True' ? object : undefined;
    });
    expect(ready(repository)).toMatchObject({ reason: 'Succeeded', message: 'Helm repository is ready' });
    expect(repository.status?.artifact).toBeUndefined();
    expect(fixture.eventsOf('ArtifactReady', 'HelmRepository', namespace, 'oci')).toHaveLength(0);

    const first = await fixture.waitFor('OCI HelmChart ArtifactReady', () => fixture.eventsOf('ArtifactReady', 'HelmChart', namespace, 'podinfo')[0]);
    expect(first.revision).toBe('6.1.0');
    expect(first.url).toBe(`${fixture.service.url}/helmchart/${namespace}/podinfo/podinfo-6.1.0.tgz`);
    const archive = await fetchArtifact(first.url, first.digest, { maxBytes: 10_000_000, timeoutMs: 10_000 });
    expect(archive.equals(pushed.archive)).toBe(true);
    const chart = await fixture.waitFor('OCI HelmChart Ready', async () => {
      const object = await get<HelmChart>('HelmChart', namespace, 'podinfo');
      return ready(object)?.status === 'True' ? object : undefined;
    });
    expect(ready(chart)).toMatchObject({ reason: 'ChartPullSucceeded', message: "pulled 'podinfo' chart with version '6.1.0'" });
    expect(chart.status).toMatchObject({ observedChartName: 'podinfo', artifact: { revision: '6.1.0', digest: first.digest } });
    // Every registry request carried the Secret's credentials; the blob was pulled once.
    expect(registry.requests.filter((r) => r.path.includes(repositoryPath)).every((r) => r.status === 200 && r.authorized)).toBe(true);
    expect(registry.requestCount(`/v2/${pushed.repository}/blobs/${pushed.layerDigest}`)).toBe(1);

    // A new tag in range is picked up at the chart's interval: a new artifact and ArtifactReady.
    const next = registry.pushChart(repositoryPath, podinfoLikeChart('6.2.0'));
    const second = await fixture.waitFor('second OCI HelmChart ArtifactReady', () => fixture.eventsOf('ArtifactReady', 'HelmChart', namespace, 'podinfo')[1]);
    expect(second.revision).toBe('6.2.0');
    expect((await fetchArtifact(second.url, second.digest, { maxBytes: 10_000_000, timeoutMs: 10_000 })).equals(next.archive)).toBe(true);
    expect(registry.requestCount(`/v2/${pushed.repository}/blobs/${pushed.layerDigest}`)).toBe(1);

    // Refused credentials: both objects fail with AuthenticationFailed, the password appears nowhere.
    const refused = await namespaceWithSecret('wrong-password');
    await apply('HelmRepository', refused, 'oci', { url: registry.url(repositoryPath), type: 'oci', insecure: true, interval: '10m', secretRef: { name: 'helm-auth' } });
    await apply('HelmChart', refused, 'podinfo', { chart: 'podinfo', version: '6.x', sourceRef: { kind: 'HelmRepository', name: 'oci' }, interval: '10m' });
    const repositoryFailed = await fixture.waitFor('Failed (OCI HelmRepository)', () => fixture.eventsOf('Failed', 'HelmRepository', refused, 'oci')[0]);
    expect(repositoryFailed).toMatchObject({ reason: 'AuthenticationFailed', message: expect.stringContaining(`failed to log in to the OCI registry of HelmRepository ${refused}/oci`) });
    const chartFailed = await fixture.waitFor('Failed (OCI HelmChart)', () => fixture.eventsOf('Failed', 'HelmChart', refused, 'podinfo')[0]);
    expect(chartFailed).toMatchObject({ reason: 'AuthenticationFailed', message: expect.stringContaining(`for HelmChart ${refused}/podinfo`) });
    expect(chartFailed.message).toContain('401');
    for (const message of [repositoryFailed.message, chartFailed.message]) expect(message).not.toContain('wrong-password');
    const status = await fixture.waitFor('OCI HelmChart Ready=False', async () => {
      const object = await get<HelmChart>('HelmChart', refused, 'podinfo');
      return ready(object)?.status === 'False' ? object.status : undefined;
    });
    expect(status?.conditions?.find((c) => c.type === 'FetchFailed')).toMatchObject({ status: 'True', reason: 'AuthenticationFailed' });
  });

  it('fails with AuthenticationFailed on a 401 without leaking the password, and names a missing Secret', async () => {
    const namespace = await namespaceWithSecret('wrong-password');
    await apply('HelmRepository', namespace, 'charts', { url: helm.url, interval: '10m', secretRef: { name: 'helm-auth' } });
    await apply('HelmRepository', namespace, 'nosecret', { url: helm.url, interval: '10m', secretRef: { name: 'absent' } });
    const failed = await fixture.waitFor('Failed', () => fixture.eventsOf('Failed', 'HelmRepository', namespace, 'charts')[0]);
    expect(failed).toMatchObject({ reason: 'AuthenticationFailed', stage: 'fetch' });
    expect(failed.message).toContain(`HelmRepository ${namespace}/charts`);
    expect(failed.message).toContain('401');
    expect(failed.message).not.toContain('wrong-password');
    const status = await fixture.waitFor('Ready=False', async () => {
      const object = await get<HelmRepository>('HelmRepository', namespace, 'charts');
      return ready(object)?.status === 'False' ? object.status : undefined;
    });
    expect(status?.conditions?.find((c) => c.type === 'FetchFailed')).toMatchObject({ status: 'True', reason: 'AuthenticationFailed' });
    const missing = await fixture.waitFor('Failed (secret)', () => fixture.eventsOf('Failed', 'HelmRepository', namespace, 'nosecret')[0]);
    expect(missing.message).toBe(`failed to get secret '${namespace}/absent': secrets "absent" not found`);
  });

  it('reports a version range nothing matches, a missing values file, and merges values files into values.yaml', async () => {
    const namespace = await namespaceWithSecret();
    helm.publish(podinfoLikeChart('6.1.0'), new Date('2026-01-02T00:00:00Z'));
    helm.publish({ ...podinfoLikeChart('1.0.0', {}, 'extras'), 'values-prod.yaml': 'replicaCount: 3\nui:\n  message: prod\n' });
    await apply('HelmRepository', namespace, 'charts', { url: helm.url, interval: '10m', secretRef: { name: 'helm-auth' } });
    await apply('HelmChart', namespace, 'future', { chart: 'podinfo', version: '>=9.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts' }, interval: '10m' });
    await apply('HelmChart', namespace, 'missing', {
      chart: 'extras',
      sourceRef: { kind: 'HelmRepository', name: 'charts' },
      interval: '10m',
      valuesFiles: ['values.yaml', 'values-staging.yaml'],
    });
    await apply('HelmChart', namespace, 'prod', {
      chart: 'extras',
      sourceRef: { kind: 'HelmRepository', name: 'charts' },
      interval: '10m',
      valuesFiles: ['values.yaml', 'values-prod.yaml', 'values-staging.yaml'],
      ignoreMissingValuesFiles: true,
    });
    // Until the HelmRepository has its first artifact the charts wait for it (NoSourceArtifact, retried).
    const failure = (name: string, reason: string) => fixture.eventsOf('Failed', 'HelmChart', namespace, name).find((e) => e.reason === reason);
    const noMatch = await fixture.waitFor('Failed (range)', () => failure('future', 'ChartReferenceError'));
    expect(noMatch).toMatchObject({ reason: 'ChartReferenceError', message: "chart reference error: no 'podinfo' chart with version matching '>=9.0.0' found" });
    const missing = await fixture.waitFor('Failed (values)', () => failure('missing', 'ValuesFilesError'));
    expect(missing).toMatchObject({ reason: 'ValuesFilesError', stage: 'build', terminal: true });
    expect(missing.message).toBe(`values files merge error: no values file found at path 'values-staging.yaml' for HelmChart ${namespace}/missing`);
    const missingStatus = await get<HelmChart>('HelmChart', namespace, 'missing');
    expect(missingStatus.status?.conditions?.find((c) => c.type === 'BuildFailed')).toMatchObject({ status: 'True', reason: 'ValuesFilesError' });

    const prod = await fixture.waitFor('ArtifactReady (prod)', () => fixture.eventsOf('ArtifactReady', 'HelmChart', namespace, 'prod')[0]);
    expect(prod.revision).toBe('1.0.0+1');
    const root = join(fixture.dir.path, `prod-${namespace}`);
    extractTarGz(await fetchArtifact(prod.url, prod.digest, { maxBytes: 10_000_000, timeoutMs: 10_000 }), root);
    const values = parse(readFileSync(join(root, 'extras', 'values.yaml'), 'utf8')) as { replicaCount: number; ui: { color: string; message: string } };
    expect(values).toMatchObject({ replicaCount: 3, ui: { color: '#34577c', message: 'prod' } });
    expect(parse(readFileSync(join(root, 'extras', 'Chart.yaml'), 'utf8'))).toMatchObject({ version: '1.0.0+1' });
    const status = (await get<HelmChart>('HelmChart', namespace, 'prod')).status;
    expect(status?.observedValuesFiles).toEqual(['values.yaml', 'values-prod.yaml']);
    expect(ready({ status } as HelmChart)).toMatchObject({ reason: 'ChartPackageSucceeded', message: "packaged 'extras' chart with version '1.0.0+1'" });
  });

  it('trusts a self-signed repository through certSecretRef only, and removes a deleted chart\'s artifacts', async () => {
    const tls = selfSignedCertificate();
    const secure = await HelmRepositoryServer.start({ tls, absoluteUrls: true });
    try {
      secure.publish(podinfoLikeChart('2.0.0'));
      const namespace = await namespaceWithSecret();
      await fixture.kube.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'helm-tls', namespace }, stringData: { 'ca.crt': tls.cert } } as KubeObject, { fieldManager: 'test' });
      await apply('HelmRepository', namespace, 'untrusted', { url: secure.url, interval: '10m' });
      await apply('HelmRepository', namespace, 'trusted', { url: secure.url, interval: '10m', certSecretRef: { name: 'helm-tls' } });
      await apply('HelmChart', namespace, 'podinfo', { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'trusted' }, interval: '10m' });
      const refused = await fixture.waitFor('Failed (untrusted)', () => fixture.eventsOf('Failed', 'HelmRepository', namespace, 'untrusted')[0]);
      expect(refused.message).toMatch(/self[- ]signed certificate/);
      const chart = await fixture.waitFor('ArtifactReady (TLS chart)', () => fixture.eventsOf('ArtifactReady', 'HelmChart', namespace, 'podinfo')[0]);
      expect(chart.revision).toBe('2.0.0');
      expect((await fetch(chart.url)).status).toBe(200);
      await fixture.kube.delete({ apiVersion: API, kind: 'HelmChart', namespace, name: 'podinfo' });
      await fixture.waitFor('artifact removed', async () => (await fetch(chart.url)).status === 404);
    } finally {
      await secure.stop();
    }
  });

  it('packages a chart directory of a GitRepository with its file:// dependency, versioned by commit with reconcileStrategy Revision', async () => {
    const namespace = await namespaceWithSecret();
    const repo = await git.createRepo(`${namespace}.git`);
    const files = (prefix: string, chart: Record<string, string | Buffer>) => Object.fromEntries(Object.entries(chart).map(([path, data]) => [`${prefix}/${path}`, data.toString()]));
    const podinfo = podinfoLikeChart('6.0.0');
    const chartYaml = `${String(podinfo['Chart.yaml'])}dependencies:\n  - name: common\n    version: 0.1.0\n    repository: file://../common\n`;
    const first = await repo.commit({
      ...files('charts/podinfo', { ...podinfo, 'Chart.yaml': chartYaml }),
      ...files('charts/common', { 'Chart.yaml': 'apiVersion: v2\nname: common\nversion: 0.1.0\ntype: library\n', 'templates/_labels.tpl': '{{- define "common.labels" -}}{{- end }}\n' }),
    });
    await fixture.kube.apply(
      { apiVersion: API, kind: 'GitRepository', metadata: { name: 'repo', namespace }, spec: { url: repo.url, interval: '10m', ref: { branch: 'main' } } } as KubeObject,
      { fieldManager: 'test' },
    );
    await apply('HelmChart', namespace, 'podinfo', { chart: './charts/podinfo', sourceRef: { kind: 'GitRepository', name: 'repo' }, interval: '10m', reconcileStrategy: 'Revision' });
    const built = await fixture.waitFor('ArtifactReady (git chart)', () => fixture.eventsOf('ArtifactReady', 'HelmChart', namespace, 'podinfo')[0]);
    expect(built.revision).toBe(`6.0.0+${first.slice(0, 12)}`);
    const root = join(fixture.dir.path, `git-${namespace}`);
    extractTarGz(await fetchArtifact(built.url, built.digest, { maxBytes: 10_000_000, timeoutMs: 10_000 }), root);
    expect(parse(readFileSync(join(root, 'podinfo', 'Chart.yaml'), 'utf8'))).toMatchObject({ name: 'podinfo', version: `6.0.0+${first.slice(0, 12)}` });
    expect(readFileSync(join(root, 'podinfo', 'charts', 'common', 'Chart.yaml'), 'utf8')).toContain('name: common');
    const chart = await get<HelmChart>('HelmChart', namespace, 'podinfo');
    expect(chart.status).toMatchObject({ observedChartName: 'podinfo', observedSourceArtifactRevision: `main@sha1:${first}` });

    const second = await repo.commit({ 'charts/podinfo/values.yaml': 'replicaCount: 2\n' });
    await fixture.kube.mergePatch({ apiVersion: API, kind: 'GitRepository', namespace, name: 'repo' }, { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'now' } } });
    const rebuilt = await fixture.waitFor('second ArtifactReady (git chart)', () => fixture.eventsOf('ArtifactReady', 'HelmChart', namespace, 'podinfo')[1]);
    expect(rebuilt.revision).toBe(`6.0.0+${second.slice(0, 12)}`);
  });

  it('fetches the remote dependencies of a Git chart from the loopback repository, by URL and by @alias, and reports an unreachable one', async () => {
    const namespace = await namespaceWithSecret();
    const redis = helm.publish({ 'Chart.yaml': 'apiVersion: v2\nname: redis\nversion: 1.1.0\n', 'templates/cm.yaml': 'kind: ConfigMap\n' });
    helm.publish({ 'Chart.yaml': 'apiVersion: v2\nname: redis\nversion: 2.0.0\n' });
    const common = helm.publish({ 'Chart.yaml': 'apiVersion: v2\nname: common\nversion: 0.2.0\ntype: library\n' });
    const app = (dependencies: object[]) => stringify({ apiVersion: 'v2', name: 'app', version: '1.0.0', dependencies });
    const repo = await git.createRepo(`${namespace}-deps.git`);
    await repo.commit({
      'charts/app/Chart.yaml': app([
        { name: 'redis', version: '^1.0.0', repository: helm.url },
        { name: 'common', version: '0.x', repository: '@charts' },
      ]),
      'charts/app/templates/cm.yaml': 'kind: ConfigMap\n',
      // Nothing listens on port 1 of the loopback: connection refused.
      'charts/broken/Chart.yaml': app([{ name: 'redis', version: '1.x', repository: 'http://127.0.0.1:1/charts' }]),
    });
    await apply('HelmRepository', namespace, 'charts', { url: helm.url, interval: '10m', secretRef: { name: 'helm-auth' } });
    await fixture.kube.apply(
      { apiVersion: API, kind: 'GitRepository', metadata: { name: 'repo', namespace }, spec: { url: repo.url, interval: '10m', ref: { branch: 'main' } } } as KubeObject,
      { fieldManager: 'test' },
    );
    await apply('HelmChart', namespace, 'app', { chart: 'charts/app', sourceRef: { kind: 'GitRepository', name: 'repo' }, interval: '10m' });
    await apply('HelmChart', namespace, 'broken', { chart: 'charts/broken', sourceRef: { kind: 'GitRepository', name: 'repo' }, interval: '10m' });

    const built = await fixture.waitFor('ArtifactReady (chart with remote dependencies)', () => fixture.eventsOf('ArtifactReady', 'HelmChart', namespace, 'app')[0]);
    expect(built.revision).toBe('1.0.0');
    const root = join(fixture.dir.path, `deps-${namespace}`);
    extractTarGz(await fetchArtifact(built.url, built.digest, { maxBytes: 10_000_000, timeoutMs: 10_000 }), root);
    expect(readdirSync(join(root, 'app', 'charts')).sort()).toEqual(['common-0.2.0.tgz', 'redis-1.1.0.tgz']);
    expect(readFileSync(join(root, 'app', 'charts', 'redis-1.1.0.tgz')).equals(helm.archive(redis))).toBe(true);
    expect(readFileSync(join(root, 'app', 'charts', 'common-0.2.0.tgz')).equals(helm.archive(common))).toBe(true);
    const lock = parse(readFileSync(join(root, 'app', 'Chart.lock'), 'utf8')) as { dependencies: unknown; digest: string; generated: string };
    expect(lock.dependencies).toEqual([
      { name: 'redis', repository: helm.url, version: '1.1.0' },
      { name: 'common', repository: '@charts', version: '0.2.0' },
    ]);
    expect(lock.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Number.isNaN(Date.parse(lock.generated))).toBe(false);
    // The URL dependency got the credentials of the HelmRepository with that URL (the server refuses anything else).
    expect(helm.requests.filter((r) => r.path === '/redis-1.1.0.tgz')).toEqual([expect.objectContaining({ status: 200, authorized: true })]);

    // Until the GitRepository has its artifact the chart waits (NoSourceArtifact); then the dependency fails.
    const failed = await fixture.waitFor('Failed (unreachable dependency repository)', () => fixture.eventsOf('Failed', 'HelmChart', namespace, 'broken').find((e) => e.reason === 'DependencyBuildError'));
    expect(failed).toMatchObject({ stage: 'build' });
    expect(failed.message).toContain(`dependency build error: failed to add remote dependency 'redis' (version '1.x' from 'http://127.0.0.1:1/charts') of HelmChart ${namespace}/broken: `);
    expect(failed.message).toContain('ECONNREFUSED');
    const broken = await get<HelmChart>('HelmChart', namespace, 'broken');
    expect(broken.status?.conditions?.find((c) => c.type === 'BuildFailed')).toMatchObject({ status: 'True', reason: 'DependencyBuildError' });
  });
});

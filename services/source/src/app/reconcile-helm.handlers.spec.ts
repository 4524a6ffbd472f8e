import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { stringify } from 'yaml';
import { ferryEvents, type HelmChart, type HelmRepository } from '@ferry/contracts';
import { TypeOrmEventStore, openEventStoreDatabase } from '@ferry/event-store';
import { Logger, createMetrics } from '@ferry/observability';
import { podinfoLikeChart, tempDir } from '@ferry/testing';
import { FileArtifactStorage } from '../infra/file-artifact-storage';
import { FsChartBuilder } from '../infra/fs-chart.builder';
import { reproducibleTarGz } from '../infra/tarball';
import { HelmHttpError, type ConditionalAnswer, type HelmAccess, type HelmGetter, type HttpValidators, type SourceObjectStore } from './helm-ports';
import type { SecretReader } from './ports';
import { ReconcileHelmChartHandler } from './reconcile-helm-chart.handler';
import { ReconcileHelmRepositoryHandler } from './reconcile-helm-repository.handler';

const REPO_URL = 'https://charts.example.invalid/stable';

/** Objects of one kind in memory. */
class MemoryStore<T extends HelmRepository | HelmChart> implements SourceObjectStore<T> {
  readonly objects = new Map<string, T>();
  get(namespace: string, name: string) {
    return this.objects.get(`${namespace}/${name}`);
  }
  list() {
    return [...this.objects.values()];
  }
  async writeStatus(object: T, status: NonNullable<T['status']>) {
    const stored = { ...object, status };
    this.objects.set(`${object.metadata.namespace}/${object.metadata.name}`, stored);
    return stored;
  }
}

/**
 * Answers GETs from a map of URL to body (or HTTP status); records what was asked with which credentials and
 * validators. With `etags` it sends the body's hash as ETag and answers a matching If-None-Match with 304.
 */
class FakeHttp implements HelmGetter {
  readonly files = new Map<string, Buffer | number>();
  readonly calls: { url: string; access: HelmAccess; validators?: HttpValidators }[] = [];
  etags = false;
  async get(url: string, access: HelmAccess) {
    this.calls.push({ url, access });
    return this.file(url);
  }
  async getIfChanged(url: string, access: HelmAccess, _options: unknown, validators: HttpValidators): Promise<ConditionalAnswer> {
    this.calls.push({ url, access, validators });
    const body = this.file(url);
    const etag = `"${hex(body)}"`;
    if (this.etags && validators.etag === etag) return { notModified: true };
    return { notModified: false, body, validators: this.etags ? { etag } : {} };
  }
  private file(url: string): Buffer {
    const file = this.files.get(url);
    if (file === undefined) throw new HelmHttpError(`failed to fetch ${url} : 404 Not Found`, 404);
    if (typeof file === 'number') throw new HelmHttpError(`failed to fetch ${url} : ${file}`, file);
    return file;
  }
}

const secrets: SecretReader = { read: async (_namespace, name) => (name === 'auth' ? { username: 'helm', password: 's3cret' } : undefined) };

const packaged = (version: string) =>
  reproducibleTarGz(Object.entries(podinfoLikeChart(version)).map(([path, data]) => ({ path: `podinfo/${path}`, data: Buffer.from(data), executable: false })));
const hex = (data: Buffer) => createHash('sha256').update(data).digest('hex');

const indexOf = (charts: { version: string; url: string; digest?: string }[]) =>
  Buffer.from(stringify({ apiVersion: 'v1', entries: { podinfo: charts.map((c) => ({ name: 'podinfo', version: c.version, urls: [c.url], ...(c.digest ? { digest: c.digest } : {}) })) } }));

const helmRepository = (spec: Partial<HelmRepository['spec']> = {}): HelmRepository => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'HelmRepository',
  metadata: { name: 'charts', namespace: 'ns', generation: 1 },
  spec: { url: REPO_URL, interval: '5m', timeout: '60s', passCredentials: false, insecure: false, suspend: false, type: 'default', provider: 'generic', secretRef: { name: 'auth' }, ...spec },
});

const helmChart = (spec: Partial<HelmChart['spec']> = {}): HelmChart => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'HelmChart',
  metadata: { name: 'podinfo', namespace: 'ns', generation: 1 },
  spec: {
    chart: 'podinfo',
    version: '6.x',
    sourceRef: { kind: 'HelmRepository', name: 'charts' },
    interval: '10m',
    reconcileStrategy: 'ChartVersion',
    ignoreMissingValuesFiles: false,
    suspend: false,
    ...spec,
  },
});

describe('Helm source handlers', () => {
  const dir = tempDir();
  let dataSource: DataSource;
  let events: TypeOrmEventStore;
  let http: FakeHttp;
  let repositories: MemoryStore<HelmRepository>;
  let charts: MemoryStore<HelmChart>;
  let repositoryHandler: ReconcileHelmRepositoryHandler;
  let chartHandler: ReconcileHelmChartHandler;

  beforeEach(async () => {
    dataSource = await openEventStoreDatabase({ type: 'sqlite', path: ':memory:' });
    events = new TypeOrmEventStore(dataSource, ferryEvents);
    http = new FakeHttp();
    repositories = new MemoryStore();
    charts = new MemoryStore();
    const root = join(dir.path, `a-${Math.random().toString(16).slice(2)}`);
    const storage = new FileArtifactStorage(root, async () => 'http://source.test', 2);
    const common = { events, metrics: createMetrics('source-test'), logger: new Logger('source-test', {}, 'error'), now: () => new Date('2026-01-01T00:00:00Z'), secrets, http, storage };
    repositoryHandler = new ReconcileHelmRepositoryHandler({ ...common, repositories, maxIndexBytes: 1_000_000 });
    chartHandler = new ReconcileHelmChartHandler({
      ...common,
      charts,
      helmRepositories: repositories,
      gitRepositories: { get: () => undefined },
      builder: new FsChartBuilder(join(root, 'tmp')),
      maxChartBytes: 10_000_000,
    });
  });

  afterEach(() => dataSource.destroy());
  afterAll(() => dir.remove());

  const types = async (stream: string) => (await events.readStream(stream)).map((e) => (e.event as { type: string }).type);

  it('given an index, when the HelmRepository reconciles twice, then one artifact and one ArtifactReady, and credentials were sent', async () => {
    const index = indexOf([{ version: '6.1.0', url: 'podinfo-6.1.0.tgz' }]);
    http.files.set(`${REPO_URL}/index.yaml`, index);
    repositories.objects.set('ns/charts', helmRepository({ url: `${REPO_URL}/` }));
    expect(await repositoryHandler.reconcile('ns', 'charts')).toEqual({ requeueAfterMs: 300_000 });
    const status = repositories.get('ns', 'charts')?.status;
    expect(status?.artifact).toMatchObject({ revision: `sha256:${hex(index)}`, digest: `sha256:${hex(index)}`, path: `helmrepository/ns/charts/index-${hex(index)}.yaml` });
    expect(status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', message: `stored artifact: revision 'sha256:${hex(index)}'` });
    await repositoryHandler.reconcile('ns', 'charts');
    expect(await types('HelmRepository/ns/charts')).toEqual(['ArtifactReady', 'ReconcileFinished', 'ReconcileFinished']);
    expect(http.calls.map((c) => c.access)).toEqual([{ username: 'helm', password: 's3cret' }, { username: 'helm', password: 's3cret' }]);
  });

  it('given a server that sends ETags, when nothing changed, then the index is not downloaded again', async () => {
    http.etags = true;
    const index = indexOf([{ version: '6.1.0', url: 'podinfo-6.1.0.tgz' }]);
    http.files.set(`${REPO_URL}/index.yaml`, index);
    repositories.objects.set('ns/charts', helmRepository());
    await repositoryHandler.reconcile('ns', 'charts');
    await repositoryHandler.reconcile('ns', 'charts');
    expect(http.calls.map((c) => c.validators)).toEqual([{}, { etag: `"${hex(index)}"` }]);
    expect(repositories.get('ns', 'charts')?.status?.artifact?.digest).toBe(`sha256:${hex(index)}`);
    const changed = indexOf([{ version: '6.2.0', url: 'podinfo-6.2.0.tgz' }]);
    http.files.set(`${REPO_URL}/index.yaml`, changed);
    await repositoryHandler.reconcile('ns', 'charts');
    expect(repositories.get('ns', 'charts')?.status?.artifact?.digest).toBe(`sha256:${hex(changed)}`);
    expect(await types('HelmRepository/ns/charts')).toEqual(['ArtifactReady', 'ReconcileFinished', 'ReconcileFinished', 'ArtifactReady', 'ReconcileFinished']);
  });

  it('given type oci, when it reconciles, then it is Stalled with a clear reason and nothing is fetched', async () => {
    repositories.objects.set('ns/charts', helmRepository({ url: 'oci://ghcr.io/stefanprodan/charts', type: 'oci' }));
    expect(await repositoryHandler.reconcile('ns', 'charts')).toEqual({});
    const conditions = repositories.get('ns', 'charts')?.status?.conditions ?? [];
    expect(conditions.find((c) => c.type === 'Stalled')).toMatchObject({ reason: 'UnsupportedType', message: expect.stringContaining("HelmRepository ns/charts: type 'oci' is not supported") });
    expect(http.calls).toHaveLength(0);
  });

  it('given a stored index, when the chart is pulled, then credentials go to the same host only and the digest is checked', async () => {
    const sameHost = packaged('6.1.0');
    const otherHost = packaged('6.2.0');
    http.files.set(`${REPO_URL}/podinfo-6.1.0.tgz`, sameHost);
    http.files.set('https://cdn.example.invalid/podinfo-6.2.0.tgz', otherHost);
    http.files.set(
      `${REPO_URL}/index.yaml`,
      indexOf([
        { version: '6.1.0', url: 'podinfo-6.1.0.tgz', digest: hex(sameHost) },
        { version: '7.0.0', url: 'podinfo-7.0.0.tgz' },
      ]),
    );
    repositories.objects.set('ns/charts', helmRepository());
    await repositoryHandler.reconcile('ns', 'charts');
    charts.objects.set('ns/podinfo', helmChart());
    await chartHandler.reconcile('ns', 'podinfo');
    expect(charts.get('ns', 'podinfo')?.status).toMatchObject({ artifact: { revision: '6.1.0', digest: `sha256:${hex(sameHost)}`, path: 'helmchart/ns/podinfo/podinfo-6.1.0.tgz' } });
    expect(http.calls.at(-1)).toEqual({ url: `${REPO_URL}/podinfo-6.1.0.tgz`, access: { username: 'helm', password: 's3cret' } });

    // Unchanged: nothing is downloaded again and nothing is published.
    const calls = http.calls.length;
    await chartHandler.reconcile('ns', 'podinfo');
    expect(http.calls).toHaveLength(calls);
    expect(await types('HelmChart/ns/podinfo')).toEqual(['ArtifactReady', 'ReconcileFinished', 'ReconcileFinished']);

    // A new index whose chart lives on another host: no credentials go there.
    http.files.set(`${REPO_URL}/index.yaml`, indexOf([{ version: '6.2.0', url: 'https://cdn.example.invalid/podinfo-6.2.0.tgz' }]));
    await repositoryHandler.reconcile('ns', 'charts');
    await chartHandler.reconcile('ns', 'podinfo');
    expect(http.calls.at(-1)).toEqual({ url: 'https://cdn.example.invalid/podinfo-6.2.0.tgz', access: {} });
    expect(charts.get('ns', 'podinfo')?.status?.artifact?.revision).toBe('6.2.0');

    // A tampered chart: the digest of the index does not match.
    http.files.set(`${REPO_URL}/index.yaml`, indexOf([{ version: '6.3.0', url: 'podinfo-6.3.0.tgz', digest: 'f'.repeat(64) }]));
    http.files.set(`${REPO_URL}/podinfo-6.3.0.tgz`, packaged('6.3.0'));
    await repositoryHandler.reconcile('ns', 'charts');
    await chartHandler.reconcile('ns', 'podinfo');
    const failed = (await events.readStream('HelmChart/ns/podinfo')).map((e) => e.event as { type: string; reason?: string; stage?: string; message?: string }).find((e) => e.type === 'Failed');
    expect(failed).toMatchObject({ reason: 'ChartPullError', stage: 'verify', message: expect.stringContaining(`the index says sha256:${'f'.repeat(64)}`) });
    expect(charts.get('ns', 'podinfo')?.status?.artifact?.revision).toBe('6.2.0');
  });

  it('given a 401 on the chart download, when the chart reconciles, then it fails with AuthenticationFailed naming the chart', async () => {
    http.files.set(`${REPO_URL}/index.yaml`, indexOf([{ version: '6.1.0', url: 'podinfo-6.1.0.tgz' }]));
    http.files.set(`${REPO_URL}/podinfo-6.1.0.tgz`, 401);
    repositories.objects.set('ns/charts', helmRepository());
    await repositoryHandler.reconcile('ns', 'charts');
    charts.objects.set('ns/podinfo', helmChart());
    await chartHandler.reconcile('ns', 'podinfo');
    const ready = charts.get('ns', 'podinfo')?.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'AuthenticationFailed', message: expect.stringContaining("failed to download chart 'podinfo' version '6.1.0' for HelmChart ns/podinfo") });
    expect(ready?.message).not.toContain('s3cret');
  });
});

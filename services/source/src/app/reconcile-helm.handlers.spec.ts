import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { DataSource } from 'typeorm';
import { parse, stringify } from 'yaml';
import { extractTarGz } from '@ferry/artifact';
import { ferryEvents, gitRepositorySchema, parseFluxObject, type GitRepository, type HelmChart, type HelmRepository } from '@ferry/contracts';
import { TypeOrmEventStore, openEventStoreDatabase } from '@ferry/event-store';
import { Logger, createMetrics } from '@ferry/observability';
import { podinfoLikeChart, tempDir } from '@ferry/testing';
import { formatChartLock, hashRequirements, parseDependencyRequirements } from '../domain/chart-dependencies';
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

/** A minimal packaged chart `<name>-<version>.tgz`. */
const chartTgz = (name: string, version: string) =>
  reproducibleTarGz([{ path: `${name}/Chart.yaml`, data: Buffer.from(`apiVersion: v2\nname: ${name}\nversion: ${version}\n`), executable: false }]);

/** The Git chart `charts/app` of GitRepository ns/repo. */
const gitChart = (): HelmChart => ({ ...helmChart({ chart: './charts/app', version: '*', sourceRef: { kind: 'GitRepository', name: 'repo' } }), metadata: { name: 'app', namespace: 'ns', generation: 1 } });

describe('Helm source handlers', () => {
  const dir = tempDir();
  let dataSource: DataSource;
  let events: TypeOrmEventStore;
  let http: FakeHttp;
  let repositories: MemoryStore<HelmRepository>;
  let charts: MemoryStore<HelmChart>;
  let repositoryHandler: ReconcileHelmRepositoryHandler;
  let chartHandler: ReconcileHelmChartHandler;
  let storage: FileArtifactStorage;
  let gitRepositories: Map<string, GitRepository>;

  beforeEach(async () => {
    dataSource = await openEventStoreDatabase({ type: 'sqlite', path: ':memory:' });
    events = new TypeOrmEventStore(dataSource, ferryEvents);
    http = new FakeHttp();
    repositories = new MemoryStore();
    charts = new MemoryStore();
    const root = join(dir.path, `a-${Math.random().toString(16).slice(2)}`);
    storage = new FileArtifactStorage(root, async () => 'http://source.test', 2);
    gitRepositories = new Map();
    const common = { events, metrics: createMetrics('source-test'), logger: new Logger('source-test', {}, 'error'), now: () => new Date('2026-01-01T00:00:00Z'), secrets, http, storage };
    repositoryHandler = new ReconcileHelmRepositoryHandler({ ...common, repositories, maxIndexBytes: 1_000_000 });
    chartHandler = new ReconcileHelmChartHandler({
      ...common,
      charts,
      helmRepositories: repositories,
      gitRepositories: { get: (namespace, name) => gitRepositories.get(`${namespace}/${name}`) },
      builder: new FsChartBuilder(join(root, 'tmp')),
      maxChartBytes: 10_000_000,
      maxIndexBytes: 1_000_000,
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

  it('given type oci, when it reconciles, then the registry must accept the credentials, it is Ready without an artifact, and nothing is published', async () => {
    http.files.set('https://registry.example.invalid/v2/', Buffer.from('{}'));
    repositories.objects.set('ns/charts', helmRepository({ url: 'oci://registry.example.invalid/charts', type: 'oci' }));
    expect(await repositoryHandler.reconcile('ns', 'charts')).toEqual({ requeueAfterMs: 300_000 });
    const status = repositories.get('ns', 'charts')?.status;
    expect(status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded', message: 'Helm repository is ready' });
    expect(status?.conditions?.find((c) => c.type === 'ArtifactInStorage')).toBeUndefined();
    expect(status?.artifact).toBeUndefined();
    expect(http.calls).toEqual([{ url: 'https://registry.example.invalid/v2/', access: { username: 'helm', password: 's3cret' } }]);
    await repositoryHandler.reconcile('ns', 'charts');
    const finished = (await events.readStream('HelmRepository/ns/charts')).map((e) => e.event as { type: string; outcome?: string });
    expect(finished).toEqual([expect.objectContaining({ type: 'ReconcileFinished', outcome: 'succeeded' }), expect.objectContaining({ type: 'ReconcileFinished', outcome: 'unchanged' })]);
  });

  it('given type oci with refused credentials or a URL that is not oci://, then AuthenticationFailed (retried) or URLInvalid (Stalled)', async () => {
    http.files.set('http://registry.example.invalid/v2/', 401);
    repositories.objects.set('ns/charts', helmRepository({ url: 'oci://registry.example.invalid/charts', type: 'oci', insecure: true }));
    expect(await repositoryHandler.reconcile('ns', 'charts')).toEqual({ requeueAfterMs: 300_000 });
    const ready = repositories.get('ns', 'charts')?.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False', reason: 'AuthenticationFailed', message: expect.stringContaining('failed to log in to the OCI registry of HelmRepository ns/charts') });
    expect(ready?.message).not.toContain('s3cret');

    repositories.objects.set('ns/https', { ...helmRepository({ url: 'https://registry.example.invalid/charts', type: 'oci', secretRef: undefined }), metadata: { name: 'https', namespace: 'ns', generation: 1 } });
    expect(await repositoryHandler.reconcile('ns', 'https')).toEqual({});
    expect(repositories.get('ns', 'https')?.status?.conditions?.find((c) => c.type === 'Stalled')).toMatchObject({
      reason: 'URLInvalid',
      message: "HelmRepository ns/https: invalid OCI URL: URL scheme must be 'oci' for type 'oci'",
    });
  });

  /** Pushes podinfo `versions` to the fake registry below `oci://registry.example.invalid/charts`; returns the chart layers. */
  function pushOci(versions: string[]): Map<string, Buffer> {
    const base = 'https://registry.example.invalid/v2/charts/podinfo';
    const layers = new Map<string, Buffer>();
    http.files.set(`${base}/tags/list`, Buffer.from(JSON.stringify({ name: 'charts/podinfo', tags: [...versions.map((v) => v.replace('+', '_')), 'latest'] })));
    for (const version of versions) {
      const archive = packaged(version);
      const digest = `sha256:${hex(archive)}`;
      const manifest = { schemaVersion: 2, config: {}, layers: [{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', digest, size: archive.length }] };
      http.files.set(`${base}/manifests/${version.replace('+', '_')}`, Buffer.from(JSON.stringify(manifest)));
      http.files.set(`${base}/blobs/${digest}`, archive);
      layers.set(version, archive);
    }
    return layers;
  }

  it('given an OCI HelmRepository, when the chart reconciles, then the version is resolved among the tags, the layer verified and stored like an index chart', async () => {
    const layers = pushOci(['6.0.0', '6.1.0', '7.0.0-rc.1']);
    repositories.objects.set('ns/charts', helmRepository({ url: 'oci://registry.example.invalid/charts', type: 'oci' }));
    charts.objects.set('ns/podinfo', helmChart());
    expect(await chartHandler.reconcile('ns', 'podinfo')).toEqual({ requeueAfterMs: 600_000 });
    const stored = charts.get('ns', 'podinfo')?.status;
    expect(stored).toMatchObject({ observedChartName: 'podinfo', artifact: { revision: '6.1.0', digest: `sha256:${hex(layers.get('6.1.0') as Buffer)}`, path: 'helmchart/ns/podinfo/podinfo-6.1.0.tgz' } });
    expect(stored?.observedSourceArtifactRevision).toBeUndefined();
    expect(stored?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'ChartPullSucceeded', message: "pulled 'podinfo' chart with version '6.1.0'" });
    expect(http.calls.map((c) => c.url.replace('https://registry.example.invalid/v2/charts/podinfo/', ''))).toEqual(['tags/list', 'manifests/6.1.0', `blobs/sha256:${hex(layers.get('6.1.0') as Buffer)}`]);
    expect(http.calls.every((c) => c.access.password === 's3cret')).toBe(true);

    // Same tags: only the tag list is read, nothing is published.
    await chartHandler.reconcile('ns', 'podinfo');
    expect(http.calls).toHaveLength(4);
    // A new tag in range: a new artifact.
    pushOci(['6.1.0', '6.2.0+build.1']);
    await chartHandler.reconcile('ns', 'podinfo');
    expect(charts.get('ns', 'podinfo')?.status?.artifact).toMatchObject({ revision: '6.2.0+build.1', path: 'helmchart/ns/podinfo/podinfo-6.2.0+build.1.tgz' });
    expect(await types('HelmChart/ns/podinfo')).toEqual(['ArtifactReady', 'ReconcileFinished', 'ReconcileFinished', 'ArtifactReady', 'ReconcileFinished']);
  });

  it('given an OCI chart whose layer does not match its digest, or a chart the registry does not know, then ChartPullError (verify) or ChartReferenceError', async () => {
    const layers = pushOci(['6.1.0']);
    http.files.set(`https://registry.example.invalid/v2/charts/podinfo/blobs/sha256:${hex(layers.get('6.1.0') as Buffer)}`, Buffer.from('tampered'));
    repositories.objects.set('ns/charts', helmRepository({ url: 'oci://registry.example.invalid/charts', type: 'oci' }));
    charts.objects.set('ns/podinfo', helmChart());
    charts.objects.set('ns/nginx', { ...helmChart({ chart: 'nginx' }), metadata: { name: 'nginx', namespace: 'ns', generation: 1 } });
    await chartHandler.reconcile('ns', 'podinfo');
    await chartHandler.reconcile('ns', 'nginx');
    const failed = async (name: string) => (await events.readStream(`HelmChart/ns/${name}`)).map((e) => e.event as { type: string }).find((e) => e.type === 'Failed');
    expect(await failed('podinfo')).toMatchObject({
      reason: 'ChartPullError',
      stage: 'verify',
      message: expect.stringContaining("chart pull error: digest mismatch for 'oci://registry.example.invalid/charts/podinfo:6.1.0' of HelmChart ns/podinfo"),
    });
    expect(charts.get('ns', 'podinfo')?.status?.artifact).toBeUndefined();
    expect(await failed('nginx')).toMatchObject({
      reason: 'ChartReferenceError',
      message: "chart reference error: chart 'oci://registry.example.invalid/charts/nginx' not found in the registry for HelmChart ns/nginx",
    });
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

  it('given no HelmRepository yet, when the chart reconciles, then FetchFailed says which source is missing and it is retried', async () => {
    charts.objects.set('ns/podinfo', helmChart());
    expect(await chartHandler.reconcile('ns', 'podinfo')).toEqual({ requeueAfterMs: 600_000 });
    const conditions = charts.get('ns', 'podinfo')?.status?.conditions ?? [];
    expect(conditions.find((c) => c.type === 'FetchFailed')).toMatchObject({ reason: 'SourceUnavailable', message: "failed to get source: HelmRepository 'ns/charts' not found" });
    expect(conditions.find((c) => c.type === 'Reconciling')).toMatchObject({ reason: 'ProgressingWithRetry' });
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

  /** Publishes charts in the repository at REPO_URL (index with digests, relative URLs); returns their archives. */
  function publish(versions: [string, string][]): Map<string, Buffer> {
    const archives = new Map(versions.map(([name, version]) => [`${name}-${version}`, chartTgz(name, version)]));
    const entries: Record<string, unknown[]> = {};
    for (const [name, version] of versions) {
      const archive = archives.get(`${name}-${version}`) as Buffer;
      http.files.set(`${REPO_URL}/${name}-${version}.tgz`, archive);
      (entries[name] ??= []).push({ name, version, urls: [`${name}-${version}.tgz`], digest: hex(archive) });
    }
    http.files.set(`${REPO_URL}/index.yaml`, Buffer.from(stringify({ apiVersion: 'v1', entries })));
    return archives;
  }

  /** Stores a Git artifact holding `files` as GitRepository ns/repo's. */
  async function gitSource(files: Record<string, string | Buffer>): Promise<void> {
    const archive = reproducibleTarGz(Object.entries(files).map(([path, data]) => ({ path, data: Buffer.from(data), executable: false })));
    const file = storage.tempFile();
    writeFileSync(file, archive);
    const meta = { revision: `main@sha1:${hex(archive).slice(0, 40)}`, digest: `sha256:${hex(archive)}`, size: archive.length };
    const artifact = await storage.store({ namespace: 'ns', name: 'repo' }, file, meta, new Date('2026-01-01T00:00:00Z'));
    const repository = parseFluxObject(gitRepositorySchema, {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'repo', namespace: 'ns' },
      spec: { url: 'https://git.example.invalid/repo.git', interval: '1m' },
    });
    gitRepositories.set('ns/repo', { ...repository, status: { artifact } });
  }

  /** The files of HelmChart ns/app's stored artifact. */
  function packagedFiles(): Map<string, Buffer> {
    const artifact = charts.get('ns', 'app')?.status?.artifact;
    const file = artifact ? storage.fileOf(artifact) : undefined;
    if (!file) throw new Error('HelmChart ns/app has no stored artifact');
    const root = join(dir.path, `x-${Math.random().toString(16).slice(2)}`);
    extractTarGz(readFileSync(file), root);
    const paths = (readdirSync(root, { recursive: true }) as string[]).filter((path) => statSync(join(root, path)).isFile());
    return new Map(paths.sort().map((path) => [path.split(sep).join('/'), readFileSync(join(root, path))]));
  }

  const appChart = (dependencies: object[], version = '1.0.0') => stringify({ apiVersion: 'v2', name: 'app', version, dependencies });

  it('given a Git chart with dependencies by URL and by @alias, when it reconciles, then they are fetched into charts/ with the HelmRepository credentials and Chart.lock is written', async () => {
    const archives = publish([
      ['redis', '1.0.0'],
      ['redis', '1.2.0'],
      ['redis', '2.0.0'],
      ['common', '0.2.0'],
    ]);
    // The HelmRepository's URL has a trailing slash, the dependency's has none: they still match (Flux normalises).
    repositories.objects.set('ns/charts', helmRepository({ url: `${REPO_URL}/` }));
    const requirements = [
      { name: 'redis', version: '^1.0.0', repository: REPO_URL, condition: 'redis.enabled' },
      { name: 'common', version: '0.x', repository: '@charts', alias: 'lib' },
      { name: 'local', version: '0.1.0', repository: 'file://../local' },
    ];
    await gitSource({ 'charts/app/Chart.yaml': appChart(requirements), 'charts/local/Chart.yaml': 'apiVersion: v2\nname: local\nversion: 0.1.0\n' });
    charts.objects.set('ns/app', gitChart());
    await chartHandler.reconcile('ns', 'app');

    expect(charts.get('ns', 'app')?.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'ChartPackageSucceeded' });
    const files = packagedFiles();
    expect([...files.keys()].filter((path) => path.startsWith('app/charts/'))).toEqual(['app/charts/common-0.2.0.tgz', 'app/charts/local/Chart.yaml', 'app/charts/redis-1.2.0.tgz']);
    expect(files.get('app/charts/redis-1.2.0.tgz')).toEqual(archives.get('redis-1.2.0'));
    expect(files.get('app/charts/common-0.2.0.tgz')).toEqual(archives.get('common-0.2.0'));
    const locked = [
      { name: 'redis', repository: REPO_URL, version: '1.2.0' },
      { name: 'common', repository: '@charts', version: '0.2.0' },
      { name: 'local', repository: 'file://../local', version: '0.1.0' },
    ];
    expect(parse(files.get('app/Chart.lock')?.toString() ?? '')).toEqual({
      dependencies: locked,
      digest: hashRequirements(parseDependencyRequirements(requirements, 'Chart.yaml'), locked),
      generated: '2026-01-01T00:00:00Z',
    });
    // One index download for both references to the same HelmRepository, credentials on every request.
    expect(http.calls.map((c) => c.url)).toEqual([`${REPO_URL}/index.yaml`, `${REPO_URL}/redis-1.2.0.tgz`, `${REPO_URL}/common-0.2.0.tgz`]);
    expect(http.calls.map((c) => c.access)).toEqual(Array(3).fill({ username: 'helm', password: 's3cret' }));

    // The same chart version again (reconcileStrategy ChartVersion): the stored chart is kept, nothing is fetched.
    await chartHandler.reconcile('ns', 'app');
    expect(http.calls).toHaveLength(3);
    expect(await types('HelmChart/ns/app')).toEqual(['ArtifactReady', 'ReconcileFinished', 'ReconcileFinished']);
  });

  it('given a Chart.lock matching Chart.yaml, then its versions are fetched and it is kept; a stale one is re-resolved, and a vendored chart outside the range replaced', async () => {
    publish([
      ['redis', '1.0.0'],
      ['redis', '1.2.0'],
      ['redis', '2.0.0'],
      ['common', '0.2.0'],
    ]);
    repositories.objects.set('ns/charts', helmRepository());
    const requirements = [
      { name: 'redis', version: '^1.0.0', repository: '@charts' },
      { name: 'common', version: '0.x', repository: 'alias:charts' },
    ];
    const pinned = [
      { name: 'redis', repository: '@charts', version: '1.0.0' },
      { name: 'common', repository: 'alias:charts', version: '0.1.0' },
    ];
    const lock = formatChartLock(parseDependencyRequirements(requirements, 'Chart.yaml'), pinned, new Date('2025-06-01T00:00:00Z'));
    // common 0.1.0 is vendored (and locked): it is not fetched.
    await gitSource({ 'charts/app/Chart.yaml': appChart(requirements), 'charts/app/Chart.lock': lock, 'charts/app/charts/common-0.1.0.tgz': chartTgz('common', '0.1.0') });
    charts.objects.set('ns/app', gitChart());
    await chartHandler.reconcile('ns', 'app');
    let files = packagedFiles();
    expect([...files.keys()].filter((path) => path.startsWith('app/charts/'))).toEqual(['app/charts/common-0.1.0.tgz', 'app/charts/redis-1.0.0.tgz']);
    expect(files.get('app/Chart.lock')?.toString()).toBe(lock);
    expect(http.calls.map((c) => c.url)).toEqual([`${REPO_URL}/index.yaml`, `${REPO_URL}/redis-1.0.0.tgz`]);

    // A new chart version moves redis to ^2.0.0 without a new lock: the lock is stale, the vendored redis 1.0.0 goes.
    const moved = [{ ...requirements[0], version: '^2.0.0' }, ...requirements.slice(1)];
    await gitSource({ 'charts/app/Chart.yaml': appChart(moved, '1.1.0'), 'charts/app/Chart.lock': lock, 'charts/app/charts/redis-1.0.0.tgz': chartTgz('redis', '1.0.0') });
    await chartHandler.reconcile('ns', 'app');
    files = packagedFiles();
    expect([...files.keys()].filter((path) => path.startsWith('app/charts/'))).toEqual(['app/charts/common-0.2.0.tgz', 'app/charts/redis-2.0.0.tgz']);
    expect(parse(files.get('app/Chart.lock')?.toString() ?? '')).toMatchObject({
      dependencies: [
        { name: 'redis', repository: '@charts', version: '2.0.0' },
        { name: 'common', repository: 'alias:charts', version: '0.2.0' },
      ],
      generated: '2026-01-01T00:00:00Z',
    });
  });

  it('given an apiVersion v1 chart, then requirements.yaml is read and requirements.lock written; a vendored chart directory in range is kept', async () => {
    publish([
      ['redis', '1.0.0'],
      ['common', '0.2.0'],
    ]);
    repositories.objects.set('ns/charts', helmRepository());
    const requirements = [
      { name: 'redis', version: '~1.0.0', repository: REPO_URL },
      { name: 'common', version: '0.x', repository: REPO_URL },
    ];
    await gitSource({
      'charts/app/Chart.yaml': 'apiVersion: v1\nname: app\nversion: 1.0.0\n',
      'charts/app/requirements.yaml': stringify({ dependencies: requirements }),
      'charts/app/charts/common/Chart.yaml': 'apiVersion: v1\nname: common\nversion: 0.1.5\n',
    });
    charts.objects.set('ns/app', gitChart());
    await chartHandler.reconcile('ns', 'app');
    const files = packagedFiles();
    expect([...files.keys()].filter((path) => path.startsWith('app/charts/'))).toEqual(['app/charts/common/Chart.yaml', 'app/charts/redis-1.0.0.tgz']);
    expect(files.has('app/Chart.lock')).toBe(false);
    const locked = [
      { name: 'redis', repository: REPO_URL, version: '1.0.0' },
      { name: 'common', repository: REPO_URL, version: '0.1.5' },
    ];
    expect(parse(files.get('app/requirements.lock')?.toString() ?? '')).toMatchObject({ dependencies: locked, digest: hashRequirements(parseDependencyRequirements(requirements, 'x'), locked) });
    expect(http.calls.map((c) => c.url)).toEqual([`${REPO_URL}/index.yaml`, `${REPO_URL}/redis-1.0.0.tgz`]);
  });

  it.each([
    ['an unknown @alias', { name: 'redis', version: '1.x', repository: '@nope' }, "no HelmRepository 'ns/nope' for repository alias '@nope'"],
    ['no version in range', { name: 'redis', version: '>=9.0.0', repository: REPO_URL }, "chart reference error: no 'redis' chart with version matching '>=9.0.0' found"],
    ['a 401 on the index', { name: 'redis', version: '1.x', repository: 'https://private.example.invalid/charts' }, 'failed to fetch Helm repository index of chart repository https://private.example.invalid/charts: failed to fetch https://private.example.invalid/charts/index.yaml : 401'],
    ['a repository without an index', { name: 'redis', version: '1.x', repository: 'https://gone.example.invalid' }, '404 Not Found'],
    ['an oci:// repository', { name: 'redis', version: '1.x', repository: 'oci://registry.example.invalid/charts' }, "unsupported repository 'oci://registry.example.invalid/charts'"],
  ])('given %s, when the Git chart reconciles, then BuildFailed and a Failed event name the chart, the dependency and the cause', async (_case, dependency, cause) => {
    publish([['redis', '1.0.0']]);
    http.files.set('https://private.example.invalid/charts/index.yaml', 401);
    repositories.objects.set('ns/charts', helmRepository());
    await gitSource({ 'charts/app/Chart.yaml': appChart([dependency]) });
    charts.objects.set('ns/app', gitChart());
    await chartHandler.reconcile('ns', 'app');
    const prefix = `dependency build error: failed to add remote dependency 'redis' (version '${dependency.version}' from '${dependency.repository}') of HelmChart ns/app: `;
    const conditions = charts.get('ns', 'app')?.status?.conditions ?? [];
    expect(conditions.find((c) => c.type === 'BuildFailed')).toMatchObject({ status: 'True', reason: 'DependencyBuildError' });
    expect(conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'DependencyBuildError', message: expect.stringContaining(cause) });
    const failed = (await events.readStream('HelmChart/ns/app')).map((e) => e.event as { type: string; reason?: string; stage?: string; message?: string }).find((e) => e.type === 'Failed');
    expect(failed).toMatchObject({ reason: 'DependencyBuildError', stage: 'build' });
    expect(failed?.message?.startsWith(prefix)).toBe(true);
    expect(failed?.message).toContain(cause);
    expect(failed?.message).not.toContain('s3cret');
  });
});

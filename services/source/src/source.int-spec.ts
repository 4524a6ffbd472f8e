import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import { extractTarGz, fetchArtifact } from '@ferry/artifact';
import {
  fluxCustomResourceDefinitions,
  newEvent,
  subjectFor,
  type ArtifactReadyV1,
  type FailedV1,
  type GitRepository,
  type ReconcileFinishedV1,
  type ReconcileRequestedV1,
} from '@ferry/contracts';
import { DevCluster } from '@ferry/devcluster';
import { KubeClient, type KubeObject } from '@ferry/kube';
import {
  GitServer,
  GitSshServer,
  TEST_NATS_URL,
  generateSshKeyPair,
  deleteTestStream,
  startServiceProcess,
  tempDir,
  uniqueSuffix,
  type GitRepoFixture,
  type ServiceProcess,
} from '@ferry/testing';
import { readFileSync } from 'node:fs';

jest.setTimeout(90_000);

type SourceEvent = ArtifactReadyV1 | FailedV1 | ReconcileFinishedV1;

describe('source service: GitRepository reconciles against a loopback git server, the dev cluster and NATS', () => {
  const dir = tempDir();
  const stream = `TEST_${uniqueSuffix()}`;
  const prefix = `test${uniqueSuffix()}.ferry.events`;
  const events: SourceEvent[] = [];
  let cluster: DevCluster;
  let kube: KubeClient;
  let git: GitServer;
  let nats: NatsConnection;
  let service: ServiceProcess;

  beforeAll(async () => {
    cluster = await DevCluster.start({ simulator: false });
    kube = KubeClient.fromKubeconfig(cluster.kubeconfig());
    for (const crd of fluxCustomResourceDefinitions()) await kube.apply(crd as unknown as KubeObject, { fieldManager: 'test', force: true });
    git = await GitServer.start({ basic: { username: 'flux', password: 'pw' }, bearerToken: 'token-1' });
    nats = await connect({ servers: TEST_NATS_URL });
    const codec = JSONCodec<SourceEvent>();
    const subscription = nats.subscribe(`${prefix}.>`);
    void (async () => {
      for await (const message of subscription) events.push(codec.decode(message.data));
    })();
    const kubeconfig = join(dir.path, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.kubeconfig());
    service = await startServiceProcess('services/source/src/main.ts', {
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      NATS_URL: TEST_NATS_URL,
      DATABASE_URL: `sqlite:${dir.path}/source.db`,
      FERRY_EVENT_STREAM: stream,
      FERRY_EVENT_SUBJECT_PREFIX: prefix,
      FERRY_EVENT_STORAGE: 'memory',
      KUBECONFIG: kubeconfig,
      ARTIFACT_ROOT: join(dir.path, 'artifacts'),
      GIT_MIRROR_ROOT: join(dir.path, 'mirrors'),
    });
  });

  afterAll(async () => {
    expect(await service.stop()).toBe(0);
    await nats.drain();
    await deleteTestStream(stream);
    await git.stop();
    await cluster.stop();
    dir.remove();
  });

  async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${service.lines.slice(-20).join('\n')}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  const eventsOf = <T extends SourceEvent['type']>(type: T, namespace: string, name: string) =>
    events.filter(
      (event): event is Extract<SourceEvent, { type: T }> =>
        event.type === type && ('source' in event ? event.source : event.object).namespace === namespace && ('source' in event ? event.source : event.object).name === name,
    );

  async function setUp(options: { password?: string; secret?: boolean } = {}): Promise<{ namespace: string; repo: GitRepoFixture }> {
    const namespace = `ns-${uniqueSuffix()}`;
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, { fieldManager: 'test' });
    if (options.secret !== false) {
      await kube.apply(
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'git-auth', namespace }, stringData: { username: 'flux', password: options.password ?? 'pw' } } as KubeObject,
        { fieldManager: 'test' },
      );
    }
    const repo = await git.createRepo(`${namespace}.git`);
    return { namespace, repo };
  }

  async function createGitRepository(namespace: string, name: string, spec: Record<string, unknown>): Promise<void> {
    await kube.apply(
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name, namespace },
        spec: { interval: '10m', secretRef: { name: 'git-auth' }, ...spec },
      } as KubeObject,
      { fieldManager: 'test' },
    );
  }

  const getRepository = async (namespace: string, name: string) =>
    (await kube.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace, name })) as unknown as GitRepository;

  async function requestReconcile(namespace: string, name: string): Promise<void> {
    await kube.mergePatch(
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace, name },
      { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() } } },
    );
  }

  it('clones a branch, stores a verified artifact honouring ignore rules, and publishes ArtifactReady', async () => {
    const { namespace, repo } = await setUp();
    const commit = await repo.commit({
      'deploy/app.yaml': 'kind: ConfigMap\n',
      'deploy/local.yaml': 'local\n',
      'docs/README.md': '# docs\n',
      '.sourceignore': 'docs/\n',
      '.github/workflows/ci.yml': 'on: push\n',
    });
    await createGitRepository(namespace, 'app', { url: repo.url, ref: { branch: 'main' }, ignore: 'deploy/local.yaml' });

    const ready = await waitFor('ArtifactReady', () => eventsOf('ArtifactReady', namespace, 'app')[0]);
    expect(ready.revision).toBe(`main@sha1:${commit}`);
    expect(ready.url).toMatch(new RegExp(`/gitrepository/${namespace}/app/[0-9a-f]{64}\\.tar\\.gz$`));

    const status = await waitFor('Ready status', async () => {
      const repository = await getRepository(namespace, 'app');
      return repository.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True') ? repository.status : undefined;
    });
    expect(status.artifact).toMatchObject({ revision: `main@sha1:${commit}`, digest: ready.digest, url: ready.url, size: ready.size });
    expect(status.conditions?.find((c) => c.type === 'ArtifactInStorage')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(status.observedGeneration).toBe(1);

    // The reconciler's round trip: download, verify the digest, unpack.
    const archive = await fetchArtifact(ready.url, ready.digest, { maxBytes: 10_000_000, timeoutMs: 10_000 });
    const root = join(dir.path, `unpacked-${namespace}`);
    expect(extractTarGz(archive, root)).toBe(2);
    expect(readFileSync(join(root, 'deploy/app.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
    expect((await fetch(`${service.url}/gitrepository/${namespace}/app/${'0'.repeat(64)}.tar.gz`)).status).toBe(404);
    expect((await fetch(`${service.url}/gitrepository/${namespace}/..%2F..%2F/x.tar.gz`)).status).toBe(404);
    const finished = eventsOf('ReconcileFinished', namespace, 'app');
    expect(finished[0]).toMatchObject({ outcome: 'succeeded', revision: `main@sha1:${commit}` });
    const line = service.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['namespace'] === namespace && String(l['msg']).startsWith('Reconciliation finished in'));
    expect(line).toMatchObject({ level: 'info', controllerKind: 'GitRepository', name: 'app', revision: `main@sha1:${commit}` });
    expect(String(line?.['msg'])).toMatch(/^Reconciliation finished in [\d.]+m?s, next run in 10m0s$/);
    const kubeEvents = await waitFor('Kubernetes Event', async () => {
      const { items } = await kube.list<KubeObject & { reason?: string; type?: string; message?: string; involvedObject?: { name?: string } }>('v1', 'Event', { namespace });
      return items.find((e) => e.reason === 'NewArtifact' && e.involvedObject?.name === 'app');
    });
    expect(kubeEvents).toMatchObject({ type: 'Normal', message: `stored artifact for revision 'main@sha1:${commit}'` });
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`gotk_reconcile_condition\\{[^}]*kind="GitRepository",namespace="${namespace}",name="app",type="Ready",status="True"[^}]*\\} 1`));
  });

  it('builds a new artifact for a new commit, and only lists refs when the tip is unchanged', async () => {
    const { namespace, repo } = await setUp();
    await repo.commit({ 'a.yaml': 'a: 1\n' });
    await createGitRepository(namespace, 'app', { url: repo.url, ref: { branch: 'main' } });
    const first = await waitFor('first ArtifactReady', () => eventsOf('ArtifactReady', namespace, 'app')[0]);

    const second = await repo.commit({ 'a.yaml': 'a: 2\n' });
    await requestReconcile(namespace, 'app');
    const next = await waitFor('second ArtifactReady', () => eventsOf('ArtifactReady', namespace, 'app')[1]);
    expect(next.revision).toBe(`main@sha1:${second}`);
    expect(next.digest).not.toBe(first.digest);

    // Unchanged tip, asked through NATS: one ReconcileFinished "unchanged", no ArtifactReady, no pack download:
    // the poll is a single ls-refs request.
    const finishedBefore = eventsOf('ReconcileFinished', namespace, 'app').length;
    const requestsBefore = git.requests.length;
    const request = newEvent<ReconcileRequestedV1>({
      type: 'ReconcileRequested',
      schemaVersion: 1,
      object: { kind: 'GitRepository', namespace, name: 'app' },
      reason: 'cli',
      requestedAt: new Date().toISOString(),
    });
    await nats.jetstream().publish(subjectFor('ReconcileRequested', 1, prefix), JSONCodec().encode(request), { msgID: request.id });
    const unchanged = await waitFor('unchanged ReconcileFinished', () => eventsOf('ReconcileFinished', namespace, 'app')[finishedBefore]);
    expect(unchanged).toMatchObject({ outcome: 'unchanged', revision: `main@sha1:${second}`, correlationId: request.correlationId, causationId: request.id });
    const poll = git.requests.slice(requestsBefore).filter((r) => r.path.startsWith(`/${namespace}.git/`));
    expect(poll.map((r) => r.method)).toEqual(['POST']);
    expect(poll.reduce((sum, r) => sum + r.bytesSent, 0)).toBeLessThan(1024);
    expect(eventsOf('ArtifactReady', namespace, 'app')).toHaveLength(2);
  });

  it('resolves tag and semver refs to "<tag>@sha1:<commit>"', async () => {
    const { namespace, repo } = await setUp();
    const v1 = await repo.commit({ 'v.yaml': 'v: 1\n' });
    await repo.tag('v1.0.0', { message: 'annotated' });
    const v11 = await repo.commit({ 'v.yaml': 'v: 1.1\n' });
    await repo.tag('v1.1.0');
    await repo.commit({ 'v.yaml': 'v: 2\n' });
    await repo.tag('v2.0.0');
    await createGitRepository(namespace, 'tagged', { url: repo.url, ref: { tag: 'v1.0.0' } });
    await createGitRepository(namespace, 'ranged', { url: repo.url, ref: { semver: '>=1.0.0 <2.0.0' } });
    expect((await waitFor('tag artifact', () => eventsOf('ArtifactReady', namespace, 'tagged')[0])).revision).toBe(`v1.0.0@sha1:${v1}`);
    expect((await waitFor('semver artifact', () => eventsOf('ArtifactReady', namespace, 'ranged')[0])).revision).toBe(`v1.1.0@sha1:${v11}`);
  });

  it('picks up a new commit at the next interval, and deletes artifacts with the object', async () => {
    const { namespace, repo } = await setUp();
    await repo.commit({ 'a.yaml': 'a: 1\n' });
    await createGitRepository(namespace, 'polled', { url: repo.url, ref: { branch: 'main' }, interval: '1s' });
    const first = await waitFor('first artifact', () => eventsOf('ArtifactReady', namespace, 'polled')[0]);
    const second = await repo.commit({ 'a.yaml': 'a: 2\n' });
    const next = await waitFor('artifact from the interval', () => eventsOf('ArtifactReady', namespace, 'polled')[1]);
    expect(next.revision).toBe(`main@sha1:${second}`);

    expect((await fetch(next.url)).status).toBe(200);
    await kube.delete({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace, name: 'polled' });
    await waitFor('artifact removal', async () => (await fetch(next.url)).status === 404);
    expect((await fetch(first.url)).status).toBe(404);
  });

  it('fetches over SSH with identity and known_hosts from the Secret', async () => {
    const key = generateSshKeyPair();
    const ssh = await GitSshServer.start(git.reposPath, key.public);
    try {
      const { namespace, repo } = await setUp({ secret: false });
      const commit = await repo.commit({ 'ssh.yaml': 'over: ssh\n' });
      await kube.apply(
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ssh-auth', namespace }, stringData: { identity: key.private, known_hosts: ssh.knownHosts } } as KubeObject,
        { fieldManager: 'test' },
      );
      await createGitRepository(namespace, 'app', { url: `${ssh.url}/${namespace}.git`, ref: { branch: 'main' }, secretRef: { name: 'ssh-auth' } });
      const ready = await waitFor('ArtifactReady over SSH', () => eventsOf('ArtifactReady', namespace, 'app')[0]);
      expect(ready.revision).toBe(`main@sha1:${commit}`);
      const root = join(dir.path, `ssh-${namespace}`);
      extractTarGz(await fetchArtifact(ready.url, ready.digest, { maxBytes: 1_000_000, timeoutMs: 10_000 }), root);
      expect(readFileSync(join(root, 'ssh.yaml'), 'utf8')).toBe('over: ssh\n');
    } finally {
      await ssh.stop();
    }
  });

  it('copies an included GitRepository\'s artifact into toPath and rebuilds when it changes', async () => {
    const { namespace, repo } = await setUp();
    const lib = await git.createRepo(`${namespace}-lib.git`);
    await lib.commit({ 'base/cm.yaml': 'lib: 1\n', 'other/x.yaml': 'x\n' });
    await repo.commit({ 'app.yaml': 'app: 1\n' });
    await createGitRepository(namespace, 'lib', { url: lib.url, ref: { branch: 'main' } });
    await createGitRepository(namespace, 'app', { url: repo.url, ref: { branch: 'main' }, include: [{ repository: { name: 'lib' }, fromPath: 'base', toPath: 'vendor' }] });
    const unpack = async (event: ArtifactReadyV1, label: string) => {
      const root = join(dir.path, `${label}-${namespace}`);
      extractTarGz(await fetchArtifact(event.url, event.digest, { maxBytes: 1_000_000, timeoutMs: 10_000 }), root);
      return root;
    };
    const first = await waitFor('app artifact with include', () => eventsOf('ArtifactReady', namespace, 'app')[0]);
    const root = await unpack(first, 'inc1');
    expect(readFileSync(join(root, 'vendor/cm.yaml'), 'utf8')).toBe('lib: 1\n');
    expect(readFileSync(join(root, 'app.yaml'), 'utf8')).toBe('app: 1\n');

    await lib.commit({ 'base/cm.yaml': 'lib: 2\n' });
    await requestReconcile(namespace, 'lib');
    const second = await waitFor('app rebuilt after lib changed', () => eventsOf('ArtifactReady', namespace, 'app')[1]);
    expect(second.revision).toBe(first.revision);
    expect(readFileSync(join(await unpack(second, 'inc2'), 'vendor/cm.yaml'), 'utf8')).toBe('lib: 2\n');
    const status = (await getRepository(namespace, 'app')).status;
    expect(status?.includedArtifacts?.[0]?.revision).toBe(eventsOf('ArtifactReady', namespace, 'lib')[1]?.revision);
  });

  it('reports bad credentials, a missing secret and a missing branch as Failed with Ready=False', async () => {
    const { namespace, repo } = await setUp({ password: 'wrong-password' });
    await repo.commit({ 'a.yaml': 'a: 1\n' });
    await createGitRepository(namespace, 'badauth', { url: repo.url, ref: { branch: 'main' } });
    await createGitRepository(namespace, 'nosecret', { url: repo.url, ref: { branch: 'main' }, secretRef: { name: 'absent' } });

    const auth = await waitFor('auth Failed', () => eventsOf('Failed', namespace, 'badauth')[0]);
    expect(auth).toMatchObject({ reason: 'AuthenticationFailed', stage: 'fetch', terminal: false });
    expect(auth.message).toContain(repo.url);
    expect(JSON.stringify(auth)).not.toContain('wrong-password');
    const status = await waitFor('Ready=False', async () => {
      const conditions = (await getRepository(namespace, 'badauth')).status?.conditions;
      return conditions?.find((c) => c.type === 'Ready' && c.status === 'False') ? conditions : undefined;
    });
    expect(status.find((c) => c.type === 'FetchFailed')).toMatchObject({ status: 'True', reason: 'AuthenticationFailed' });
    const warning = await waitFor('Warning event (kubectl)', async () => {
      const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', join(dir.path, 'kubeconfig'), 'get', 'events', '-n', namespace, '-o', 'json']);
      const items = (JSON.parse(stdout) as { items: Array<{ type: string; reason: string; message: string; involvedObject: { kind: string; name: string } }> }).items;
      return items.find((e) => e.type === 'Warning' && e.involvedObject.name === 'badauth');
    });
    expect(warning).toMatchObject({ reason: 'AuthenticationFailed', involvedObject: { kind: 'GitRepository' }, message: expect.stringContaining(repo.url) });

    const secret = await waitFor('secret Failed', () => eventsOf('Failed', namespace, 'nosecret')[0]);
    expect(secret).toMatchObject({ reason: 'AuthenticationFailed', message: expect.stringContaining(`secret '${namespace}/absent'`) });

    await kube.apply(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'good', namespace }, stringData: { bearerToken: 'token-1' } } as KubeObject,
      { fieldManager: 'test' },
    );
    await createGitRepository(namespace, 'nobranch', { url: repo.url, ref: { branch: 'release' }, secretRef: { name: 'good' } });
    const branch = await waitFor('branch Failed', () => eventsOf('Failed', namespace, 'nobranch')[0]);
    expect(branch).toMatchObject({ reason: 'GitOperationFailed', message: expect.stringContaining("branch 'release'") });
  });
});

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { extractTarGz, fetchArtifact } from '@ferry/artifact';
import type { ArtifactReadyV1, GitRepository } from '@ferry/contracts';
import type { KubeObject } from '@ferry/kube';
import { GitServer, GitSshServer, generateSshKeyPair, uniqueSuffix, type GitRepoFixture } from '@ferry/testing';
import { SourceServiceFixture } from '../test/source-service-fixture';

jest.setTimeout(90_000);


describe('source service: GitRepository reconciles against a loopback git server, the dev cluster and NATS', () => {
  const fixture = new SourceServiceFixture();
  let git: GitServer;

  beforeAll(async () => {
    git = await GitServer.start({ basic: { username: 'flux', password: 'pw' }, bearerToken: 'token-1' });
    await fixture.start();
  });

  afterAll(async () => {
    expect(await fixture.stop()).toBe(0);
    await git.stop();
  });

  async function setUp(options: { password?: string; secret?: boolean } = {}): Promise<{ namespace: string; repo: GitRepoFixture }> {
    const namespace = `ns-${uniqueSuffix()}`;
    await fixture.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, { fieldManager: 'test' });
    if (options.secret !== false) {
      await fixture.kube.apply(
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'git-auth', namespace }, stringData: { username: 'flux', password: options.password ?? 'pw' } } as KubeObject,
        { fieldManager: 'test' },
      );
    }
    const repo = await git.createRepo(`${namespace}.git`);
    return { namespace, repo };
  }

  async function createGitRepository(namespace: string, name: string, spec: Record<string, unknown>): Promise<void> {
    await fixture.kube.apply(
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
    (await fixture.kube.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace, name })) as unknown as GitRepository;

  async function requestReconcile(namespace: string, name: string): Promise<void> {
    await fixture.kube.mergePatch(
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

    const ready = await fixture.waitFor('ArtifactReady', () => fixture.eventsOf('ArtifactReady', 'GitRepository', namespace, 'app')[0]);
    expect(ready.revision).toBe(`main@sha1:${commit}`);
    expect(ready.url).toMatch(new RegExp(`/gitrepository/${namespace}/app/[0-9a-f]{64}\\.tar\\.gz$`));

    const status = await fixture.waitFor('Ready status', async () => {
      const repository = await getRepository(namespace, 'app');
      return repository.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True') ? repository.status : undefined;
    });
    expect(status.artifact).toMatchObject({ revision: `main@sha1:${commit}`, digest: ready.digest, url: ready.url, size: ready.size });
    expect(status.conditions?.find((c) => c.type === 'ArtifactInStorage')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(status.observedGeneration).toBe(1);

    // The reconciler's round trip: download, verify the digest, unpack.
    const archive = await fetchArtifact(ready.url, ready.digest, { maxBytes: 10_000_000, timeoutMs: 10_000 });
    const root = join(fixture.dir.path, `unpacked-${namespace}`);
    expect(extractTarGz(archive, root)).toBe(2);
    expect(readFileSync(join(root, 'deploy/app.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
    expect((await fetch(`${fixture.service.url}/gitrepository/${namespace}/app/${'0'.repeat(64)}.tar.gz`)).status).toBe(404);
    expect((await fetch(`${fixture.service.url}/gitrepository/${namespace}/..%2F..%2F/x.tar.gz`)).status).toBe(404);
    const finished = fixture.eventsOf('ReconcileFinished', 'GitRepository', namespace, 'app');
    expect(finished[0]).toMatchObject({ outcome: 'succeeded', revision: `main@sha1:${commit}` });
    const line = fixture.service.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['namespace'] === namespace && String(l['msg']).startsWith('Reconciliation finished in'));
    expect(line).toMatchObject({ level: 'info', controllerKind: 'GitRepository', name: 'app', revision: `main@sha1:${commit}` });
    expect(String(line?.['msg'])).toMatch(/^Reconciliation finished in [\d.]+m?s, next run in 10m0s$/);
    const kubeEvents = await fixture.waitFor('Kubernetes Event', async () => {
      const { items } = await fixture.kube.list<KubeObject & { reason?: string; type?: string; message?: string; involvedObject?: { name?: string } }>('v1', 'Event', { namespace });
      return items.find((e) => e.reason === 'NewArtifact' && e.involvedObject?.name === 'app');
    });
    expect(kubeEvents).toMatchObject({ type: 'Normal', message: `stored artifact for revision 'main@sha1:${commit}'` });
    const metrics = await (await fetch(`${fixture.service.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`gotk_reconcile_condition\\{[^}]*kind="GitRepository",namespace="${namespace}",name="app",type="Ready",status="True"[^}]*\\} 1`));
  });

  it('builds a new artifact for a new commit, and only lists refs when the tip is unchanged', async () => {
    const { namespace, repo } = await setUp();
    await repo.commit({ 'a.yaml': 'a: 1\n' });
    await createGitRepository(namespace, 'app', { url: repo.url, ref: { branch: 'main' } });
    const first = await fixture.waitFor('first ArtifactReady', () => fixture.eventsOf('ArtifactReady', 'GitRepository', namespace, 'app')[0]);

    const second = await repo.commit({ 'a.yaml': 'a: 2\n' });
    await requestReconcile(namespace, 'app');
    const next = await fixture.waitFor('second ArtifactReady', () => fixture.eventsOf('ArtifactReady', 'GitRepository', namespace, 'app')[1]);
    expect(next.revision).toBe(`main@sha1:${second}`);
    expect(next.digest).not.toBe(first.digest);

    // Unchanged tip, asked through NATS: one ReconcileFinished "unchanged", no ArtifactReady, no pack download:
    // the poll is a single ls-refs request.
    const finishedBefore = fixture.eventsOf('ReconcileFinished', 'GitRepository', namespace, 'app').length;
    const requestsBefore = git.requests.length;
    const request = await fixture.requestReconcile({ kind: 'GitRepository', namespace, name: 'app' });
    const unchanged = await fixture.waitFor('unchanged ReconcileFinished', () => fixture.eventsOf('ReconcileFinished', 'GitRepository', namespace, 'app')[finishedBefore]);
    expect(unchanged).toMatchObject({ outcome: 'unchanged', revision: `main@sha1:${second}`, correlationId: request.correlationId, causationId: request.id });
    const poll = git.requests.slice(requestsBefore).filter((r) => r.path.startsWith(`/${namespace}.git/`));
    expect(poll.map((r) => r.method)).toEqual(['POST']);
    expect(poll.reduce((sum, r) => sum + r.bytesSent, 0)).toBeLessThan(1024);
    expect(fixture.eventsOf('ArtifactReady', 'GitRepository', namespace, 'app')).toHaveLength(2);
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
    expect((await fixture.waitFor('tag artifact', () => fixture.eventsOf('ArtifactReady', 'GitRepository', namespace, 'tagged')[0])).revision).toBe(`v1.0.0@sha1:${v1}`);
    expect((await fixture.waitFor('semver artifact', () => fixture.eventsOf('ArtifactReady', 'GitRepository', namespace, 'ranged')[0])).revision).toBe(`v1.1.0@sha1:${v11}`);
  });

  it('picks up a new commit at the next interval, and deletes artifacts with the object', async () => {
    const { namespace, repo } = await setUp();
    await repo.commit({ 'a.yaml': 'a: 1\n' });
    await createGitRepository(namespace, 'polled', { url: repo.url, ref: { branch: 'main' }, interval: '1s' });
    const first = await fixture.waitFor('first artifact', () => fixture.eventsOf('ArtifactReady', 'GitRepository', namespace, 'polled')[0]);
    const second = await repo.commit({ 'a.yaml': 'a: 2\n' });
    const next = await fixture.waitFor('artifact from the interval', () => fixture.eventsOf('ArtifactReady', 'GitRepository', namespace, 'polled')[1]);
    expect(next.revision).toBe(`main@sha1:${second}`);

    expect((await fetch(next.url)).status).toBe(200);
    await fixture.kube.delete({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace, name: 'polled' });
    await fixture.waitFor('artifact removal', async () => (await fetch(next.url)).status === 404);
    expect((await fetch(first.url)).status).toBe(404);
  });

  it('fetches over SSH with identity and known_hosts from the Secret', async () => {
    const key = generateSshKeyPair();
    const ssh = await GitSshServer.start(git.reposPath, key.public);
    try {
      const { namespace, repo } = await setUp({ secret: false });
      const commit = await repo.commit({ 'ssh.yaml': 'over: ssh\n' });
      await fixture.kube.apply(
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ssh-auth', namespace }, stringData: { identity: key.private, known_hosts: ssh.knownHosts } } as KubeObject,
        { fieldManager: 'test' },
      );
      await createGitRepository(namespace, 'app', { url: `${ssh.url}/${namespace}.git`, ref: { branch: 'main' }, secretRef: { name: 'ssh-auth' } });
      const ready = await fixture.waitFor('ArtifactReady over SSH', () => fixture.eventsOf('ArtifactReady', 'GitRepository', namespace, 'app')[0]);
      expect(ready.revision).toBe(`main@sha1:${commit}`);
      const root = join(fixture.dir.path, `ssh-${namespace}`);
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
      const root = join(fixture.dir.path, `${label}-${namespace}`);
      extractTarGz(await fetchArtifact(event.url, event.digest, { maxBytes: 1_000_000, timeoutMs: 10_000 }), root);
      return root;
    };
    const first = await fixture.waitFor('app artifact with include', () => fixture.eventsOf('ArtifactReady', 'GitRepository', namespace, 'app')[0]);
    const root = await unpack(first, 'inc1');
    expect(readFileSync(join(root, 'vendor/cm.yaml'), 'utf8')).toBe('lib: 1\n');
    expect(readFileSync(join(root, 'app.yaml'), 'utf8')).toBe('app: 1\n');

    await lib.commit({ 'base/cm.yaml': 'lib: 2\n' });
    await requestReconcile(namespace, 'lib');
    const second = await fixture.waitFor('app rebuilt after lib changed', () => fixture.eventsOf('ArtifactReady', 'GitRepository', namespace, 'app')[1]);
    expect(second.revision).toBe(first.revision);
    expect(readFileSync(join(await unpack(second, 'inc2'), 'vendor/cm.yaml'), 'utf8')).toBe('lib: 2\n');
    const status = (await getRepository(namespace, 'app')).status;
    expect(status?.includedArtifacts?.[0]?.revision).toBe(fixture.eventsOf('ArtifactReady', 'GitRepository', namespace, 'lib')[1]?.revision);
  });

  it('reports bad credentials, a missing secret and a missing branch as Failed with Ready=False', async () => {
    const { namespace, repo } = await setUp({ password: 'wrong-password' });
    await repo.commit({ 'a.yaml': 'a: 1\n' });
    await createGitRepository(namespace, 'badauth', { url: repo.url, ref: { branch: 'main' } });
    await createGitRepository(namespace, 'nosecret', { url: repo.url, ref: { branch: 'main' }, secretRef: { name: 'absent' } });

    const auth = await fixture.waitFor('auth Failed', () => fixture.eventsOf('Failed', 'GitRepository', namespace, 'badauth')[0]);
    expect(auth).toMatchObject({ reason: 'AuthenticationFailed', stage: 'fetch', terminal: false });
    expect(auth.message).toContain(repo.url);
    expect(JSON.stringify(auth)).not.toContain('wrong-password');
    const status = await fixture.waitFor('Ready=False', async () => {
      const conditions = (await getRepository(namespace, 'badauth')).status?.conditions;
      return conditions?.find((c) => c.type === 'Ready' && c.status === 'False') ? conditions : undefined;
    });
    expect(status.find((c) => c.type === 'FetchFailed')).toMatchObject({ status: 'True', reason: 'AuthenticationFailed' });
    const warning = await fixture.waitFor('Warning event (kubectl)', async () => {
      const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', fixture.kubeconfig, 'get', 'events', '-n', namespace, '-o', 'json']);
      const items = (JSON.parse(stdout) as { items: Array<{ type: string; reason: string; message: string; involvedObject: { kind: string; name: string } }> }).items;
      return items.find((e) => e.type === 'Warning' && e.involvedObject.name === 'badauth');
    });
    expect(warning).toMatchObject({ reason: 'AuthenticationFailed', involvedObject: { kind: 'GitRepository' }, message: expect.stringContaining(repo.url) });

    const secret = await fixture.waitFor('secret Failed', () => fixture.eventsOf('Failed', 'GitRepository', namespace, 'nosecret')[0]);
    expect(secret).toMatchObject({ reason: 'AuthenticationFailed', message: expect.stringContaining(`secret '${namespace}/absent'`) });

    await fixture.kube.apply(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'good', namespace }, stringData: { bearerToken: 'token-1' } } as KubeObject,
      { fieldManager: 'test' },
    );
    await createGitRepository(namespace, 'nobranch', { url: repo.url, ref: { branch: 'release' }, secretRef: { name: 'good' } });
    const branch = await fixture.waitFor('branch Failed', () => fixture.eventsOf('Failed', 'GitRepository', namespace, 'nobranch')[0]);
    expect(branch).toMatchObject({ reason: 'GitOperationFailed', message: expect.stringContaining("branch 'release'") });
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ferryEvents, type GitRepository } from '@ferry/contracts';
import { TypeOrmEventStore, openEventStoreDatabase } from '@ferry/event-store';
import { Logger, createMetrics } from '@ferry/observability';
import { tempDir } from '@ferry/testing';
import type { AdvertisedRef } from '../domain/git-ref';
import type { GitRepositoryStatus } from '../domain/git-repository-status';
import { FileArtifactStorage } from '../infra/file-artifact-storage';
import type { ArchiveRequest, ArchiveResult, GitClient, GitRemote, GitRepositoryStore, SecretReader } from './ports';
import { ReconcileGitRepositoryHandler } from './reconcile-git-repository.handler';

const sha = (c: string) => c.repeat(40);

/** A cluster of one namespace in memory. */
class MemoryRepositories implements GitRepositoryStore {
  readonly objects = new Map<string, GitRepository>();
  readonly writes: GitRepositoryStatus[] = [];
  get(namespace: string, name: string) {
    return this.objects.get(`${namespace}/${name}`);
  }
  list() {
    return [...this.objects.values()];
  }
  async writeStatus(repository: GitRepository, status: GitRepositoryStatus) {
    const stored = { ...repository, status };
    this.objects.set(`${repository.metadata.namespace}/${repository.metadata.name}`, stored);
    this.writes.push(status);
    return stored;
  }
}

/** A remote whose refs the test sets; archives are small files whose content is the commit. */
class FakeGit implements GitClient {
  refs: AdvertisedRef[] = [];
  failure: Error | undefined;
  /** What the archive reports as verified when a request asks for verification. */
  verified = 'verified';
  readonly archived: ArchiveRequest[] = [];
  readonly listed: GitRemote[] = [];
  async listRefs(remote: GitRemote) {
    this.listed.push(remote);
    if (this.failure) throw this.failure;
    return this.refs;
  }
  async archive(request: ArchiveRequest): Promise<ArchiveResult> {
    this.archived.push(request);
    const data = Buffer.from(`${request.commit}:${request.ignore ?? ''}`);
    writeFileSync(request.outFile, data);
    const { createHash } = await import('node:crypto');
    return { digest: `sha256:${createHash('sha256').update(data).digest('hex')}`, size: data.length, files: 1, bytesReceived: 10, ...(request.verify ? { verified: this.verified } : {}) };
  }
  readonly forgotten: string[] = [];
  forget(object: { namespace: string; name: string }): void {
    this.forgotten.push(`${object.namespace}/${object.name}`);
  }
}

class MemorySecrets implements SecretReader {
  readonly secrets = new Map<string, Record<string, string>>();
  async read(namespace: string, name: string) {
    return this.secrets.get(`${namespace}/${name}`);
  }
}

const gitRepository = (spec: Partial<GitRepository['spec']> = {}, generation = 1): GitRepository => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
  metadata: { name: 'app', namespace: 'flux-system', generation },
  spec: { url: 'https://git.example.invalid/app.git', interval: '1m', timeout: '60s', suspend: false, recurseSubmodules: false, ref: { branch: 'main' }, ...spec },
});

describe('ReconcileGitRepositoryHandler', () => {
  const dir = tempDir();
  let dataSource: DataSource;
  let events: TypeOrmEventStore;
  let repositories: MemoryRepositories;
  let git: FakeGit;
  let secrets: MemorySecrets;
  let handler: ReconcileGitRepositoryHandler;
  let metrics: ReturnType<typeof createMetrics>;

  beforeEach(async () => {
    dataSource = await openEventStoreDatabase({ type: 'sqlite', path: ':memory:' });
    events = new TypeOrmEventStore(dataSource, ferryEvents);
    repositories = new MemoryRepositories();
    git = new FakeGit();
    secrets = new MemorySecrets();
    metrics = createMetrics('source-test');
    const storage = new FileArtifactStorage(join(dir.path, `a-${Math.random().toString(16).slice(2)}`), async () => 'http://source.test', 2);
    handler = new ReconcileGitRepositoryHandler({
      repositories,
      secrets,
      git,
      storage,
      events,
      metrics,
      logger: new Logger('source-test', {}, 'error'),
      now: () => new Date('2026-01-01T00:00:00Z'),
    });
  });

  afterEach(async () => {
    await dataSource.destroy();
  });

  afterAll(() => dir.remove());

  const given = (repository: GitRepository) => repositories.objects.set('flux-system/app', repository);
  const stream = async () => (await events.readStream('GitRepository/flux-system/app')).map((e) => e.event as Record<string, unknown>);

  it('given a new object, when the branch resolves, then it stores an artifact, writes Ready and publishes ArtifactReady', async () => {
    given(gitRepository());
    git.refs = [{ ref: 'refs/heads/main', oid: sha('a') }];
    expect(await handler.reconcile('flux-system', 'app')).toEqual({ requeueAfterMs: 60_000 });
    const status = repositories.get('flux-system', 'app')?.status;
    expect(status?.artifact).toMatchObject({
      revision: `main@sha1:${sha('a')}`,
      path: expect.stringMatching(/^gitrepository\/flux-system\/app\/[0-9a-f]{64}\.tar\.gz$/),
      url: expect.stringMatching(/^http:\/\/source\.test\/gitrepository\/flux-system\/app\//),
      lastUpdateTime: '2026-01-01T00:00:00Z',
    });
    expect(status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'True', 'Succeeded'],
      ['ArtifactInStorage', 'True', 'Succeeded'],
    ]);
    expect(status?.observedGeneration).toBe(1);
    expect((await stream()).map((e) => e['type'])).toEqual(['ArtifactReady', 'ReconcileFinished']);
    expect(git.archived[0]).toMatchObject({ fetchRef: 'refs/heads/main', shallow: true });
    expect(git.listed[0]).toMatchObject({ timeoutMs: 60_000, auth: {} });
  });

  it('given an artifact at the tip, when reconciled again, then nothing is fetched and only ReconcileFinished is recorded', async () => {
    given(gitRepository());
    git.refs = [{ ref: 'refs/heads/main', oid: sha('a') }];
    await handler.reconcile('flux-system', 'app');
    const writes = repositories.writes.length;
    await handler.reconcile('flux-system', 'app');
    expect(git.archived).toHaveLength(1);
    expect(repositories.writes).toHaveLength(writes);
    const recorded = await stream();
    expect(recorded.map((e) => e['type'])).toEqual(['ArtifactReady', 'ReconcileFinished', 'ReconcileFinished']);
    expect(recorded[2]).toMatchObject({ outcome: 'unchanged' });
  });

  it('given a changed spec.ignore, when the tip is unchanged, then the artifact is rebuilt', async () => {
    given(gitRepository());
    git.refs = [{ ref: 'refs/heads/main', oid: sha('a') }];
    await handler.reconcile('flux-system', 'app');
    const stored = repositories.get('flux-system', 'app') as GitRepository;
    given({ ...stored, metadata: { ...stored.metadata, generation: 2 }, spec: { ...stored.spec, ignore: '*.md' } });
    await handler.reconcile('flux-system', 'app');
    expect(git.archived).toHaveLength(2);
    expect(repositories.get('flux-system', 'app')?.status?.observedIgnore).toBe('*.md');
    expect((await stream()).filter((e) => e['type'] === 'ArtifactReady')).toHaveLength(2);
  });

  it('given spec.sparseCheckout and recurseSubmodules, then they reach the git client, are observed in status, and changing them rebuilds', async () => {
    given(gitRepository({ sparseCheckout: ['apps'], recurseSubmodules: true }));
    git.refs = [{ ref: 'refs/heads/main', oid: sha('a') }];
    await handler.reconcile('flux-system', 'app');
    expect(git.archived[0]).toMatchObject({ sparseCheckout: ['apps'], recurseSubmodules: true });
    expect(repositories.get('flux-system', 'app')?.status).toMatchObject({ observedSparseCheckout: ['apps'], observedRecurseSubmodules: true });
    await handler.reconcile('flux-system', 'app');
    expect(git.archived).toHaveLength(1);
    const stored = repositories.get('flux-system', 'app') as GitRepository;
    const { sparseCheckout: _dropped, ...spec } = stored.spec;
    given({ ...stored, metadata: { ...stored.metadata, generation: 2 }, spec: { ...spec, recurseSubmodules: false } });
    await handler.reconcile('flux-system', 'app');
    expect(git.archived).toHaveLength(2);
    expect(git.archived[1]?.sparseCheckout).toBeUndefined();
    expect(repositories.get('flux-system', 'app')?.status).toMatchObject({ observedSparseCheckout: [], observedRecurseSubmodules: false });
    await handler.reconcile('flux-system', 'app');
    expect(git.archived).toHaveLength(2);
  });

  it('given a secretRef, then basic auth or bearer token reach the git client, and a missing secret fails clearly', async () => {
    given(gitRepository({ secretRef: { name: 'auth' } }));
    git.refs = [{ ref: 'refs/heads/main', oid: sha('a') }];
    secrets.secrets.set('flux-system/auth', { username: 'u', password: 'p' });
    await handler.reconcile('flux-system', 'app');
    expect(git.listed[0]?.auth).toEqual({ username: 'u', password: 'p' });
    secrets.secrets.set('flux-system/auth', { bearerToken: 't' });
    await handler.reconcile('flux-system', 'app');
    expect(git.listed[1]?.auth).toEqual({ bearerToken: 't' });
    secrets.secrets.set('flux-system/auth', { other: 'x' });
    await handler.reconcile('flux-system', 'app');
    expect(repositories.get('flux-system', 'app')?.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'InvalidSecret',
      message: "invalid secret 'flux-system/auth': expected 'username' and 'password', 'bearerToken' or 'ca.crt'",
    });
  });

  it('given an ssh:// URL, then identity, known_hosts and password become the SSH credentials', async () => {
    given(gitRepository({ url: 'ssh://git@git.example.invalid/app.git', secretRef: { name: 'ssh' } }));
    git.refs = [{ ref: 'refs/heads/main', oid: sha('a') }];
    secrets.secrets.set('flux-system/ssh', { identity: 'KEY', known_hosts: 'git.example.invalid ssh-ed25519 AAAA', password: 'pp' });
    await handler.reconcile('flux-system', 'app');
    expect(git.listed[0]?.auth).toEqual({ identity: 'KEY', knownHosts: 'git.example.invalid ssh-ed25519 AAAA', passphrase: 'pp' });
    secrets.secrets.set('flux-system/ssh', { identity: 'KEY' });
    await handler.reconcile('flux-system', 'app');
    expect(repositories.get('flux-system', 'app')?.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ reason: 'InvalidSecret', message: expect.stringContaining("'known_hosts'") });
  });

  it('given spec.verify, then the keys of its secret and the tag reach the git client, SourceVerified is written, and a missing secret fails verification', async () => {
    given(gitRepository({ ref: { tag: 'v1.0.0' }, verify: { mode: 'TagAndHEAD', secretRef: { name: 'keys' } } }));
    git.refs = [{ ref: 'refs/tags/v1.0.0', oid: sha('a'), object: sha('t') }];
    const conditionOf = (type: string) => repositories.get('flux-system', 'app')?.status?.conditions?.find((c) => c.type === type);
    await handler.reconcile('flux-system', 'app');
    expect(conditionOf('SourceVerified')).toMatchObject({ status: 'False', reason: 'VerificationError', message: 'PGP public keys secret error: secrets "keys" not found' });
    expect(git.archived).toHaveLength(0);
    secrets.secrets.set('flux-system/keys', { 'a.asc': 'KEY A', 'b.asc': 'KEY B' });
    git.verified = "verified signature of\n\t- tag 'v1.0.0@t' with key 'K'";
    await handler.reconcile('flux-system', 'app');
    expect(git.archived[0]?.verify).toEqual({ mode: 'TagAndHEAD', keyRings: ['KEY A', 'KEY B'], tag: { name: 'v1.0.0', oid: sha('t') } });
    expect(conditionOf('SourceVerified')).toMatchObject({ status: 'True', reason: 'Succeeded', message: git.verified });
    expect(repositories.get('flux-system', 'app')?.status?.sourceVerificationMode).toBe('TagAndHEAD');
    await handler.reconcile('flux-system', 'app');
    expect(git.archived).toHaveLength(1);
  });

  it('given a proxySecretRef, then its address and credentials reach the git client, and a bad secret fails naming the key', async () => {
    given(gitRepository({ proxySecretRef: { name: 'proxy' } }));
    git.refs = [{ ref: 'refs/heads/main', oid: sha('a') }];
    secrets.secrets.set('flux-system/proxy', { address: 'http://proxy.example.invalid:3128', username: 'u', password: 'p' });
    await handler.reconcile('flux-system', 'app');
    expect(git.listed[0]?.proxy).toEqual({ address: 'http://proxy.example.invalid:3128', username: 'u', password: 'p' });
    expect(git.archived[0]?.remote.proxy).toEqual({ address: 'http://proxy.example.invalid:3128', username: 'u', password: 'p' });
    const ready = () => repositories.get('flux-system', 'app')?.status?.conditions?.find((c) => c.type === 'Ready');
    secrets.secrets.set('flux-system/proxy', { username: 'u' });
    await handler.reconcile('flux-system', 'app');
    expect(ready()).toMatchObject({ status: 'False', reason: 'AuthenticationFailed', message: "failed to configure proxy options: invalid proxy secret 'flux-system/proxy': key 'address' is missing" });
    secrets.secrets.set('flux-system/proxy', { address: 'socks5://proxy:1080' });
    await handler.reconcile('flux-system', 'app');
    expect(ready()).toMatchObject({ message: expect.stringContaining("'address' must be an http:// URL") });
  });

  it('given spec.include, then it waits for the included artifact, copies it in, and rebuilds when it changes', async () => {
    given(gitRepository({ include: [{ repository: { name: 'lib' }, toPath: 'vendor/lib' }] }));
    git.refs = [{ ref: 'refs/heads/main', oid: sha('a') }];
    await handler.reconcile('flux-system', 'app');
    expect(repositories.get('flux-system', 'app')?.status?.conditions?.find((c) => c.type === 'IncludeUnavailable')).toMatchObject({
      status: 'True',
      reason: 'IncludeUnavailable',
      message: "included GitRepository 'flux-system/lib' does not exist",
    });
    expect((await stream())[0]).toMatchObject({ type: 'Failed', stage: 'dependency', terminal: false });

    const lib = { ...gitRepository(), metadata: { name: 'lib', namespace: 'flux-system', generation: 1 } };
    repositories.objects.set('flux-system/lib', lib);
    await handler.reconcile('flux-system', 'lib');
    const libArtifact = repositories.get('flux-system', 'lib')?.status?.artifact;
    await handler.reconcile('flux-system', 'app');
    const app = repositories.get('flux-system', 'app')?.status;
    expect(app?.includedArtifacts).toEqual([libArtifact]);
    expect(app?.observedInclude).toEqual([{ repository: { name: 'lib' }, toPath: 'vendor/lib' }]);
    expect(app?.conditions?.find((c) => c.type === 'IncludeUnavailable')).toBeUndefined();
    expect(git.archived.at(-1)?.includes).toEqual([{ file: expect.stringContaining('gitrepository/flux-system/lib/'), fromPath: '', toPath: 'vendor/lib' }]);

    const builds = git.archived.length;
    await handler.reconcile('flux-system', 'app');
    expect(git.archived).toHaveLength(builds);
    git.refs = [{ ref: 'refs/heads/main', oid: sha('b') }];
    await handler.reconcile('flux-system', 'lib');
    git.refs = [{ ref: 'refs/heads/main', oid: sha('a') }];
    await handler.reconcile('flux-system', 'app');
    expect(git.archived).toHaveLength(builds + 2);
    expect(repositories.get('flux-system', 'app')?.status?.includedArtifacts?.[0]?.revision).toBe(`main@sha1:${sha('b')}`);
  });

  it('given a bad semver range, then Failed is terminal, Stalled is set and no requeue is asked for', async () => {
    given(gitRepository({ ref: { semver: '>= nonsense' } }));
    git.refs = [{ ref: 'refs/tags/v1.0.0', oid: sha('a') }];
    expect(await handler.reconcile('flux-system', 'app')).toEqual({});
    const conditions = repositories.get('flux-system', 'app')?.status?.conditions;
    expect(conditions?.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True', reason: 'InvalidSemVer' });
    expect(conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSemVer' });
    expect((await stream())[0]).toMatchObject({ type: 'Failed', reason: 'InvalidSemVer', stage: 'fetch', terminal: true, object: { kind: 'GitRepository', namespace: 'flux-system', name: 'app' } });
  });

  it('given a failing remote, then the previous artifact stays, Ready=False with FetchFailed, and it retries with exponential backoff reset by a success', async () => {
    given(gitRepository());
    git.refs = [{ ref: 'refs/heads/main', oid: sha('a') }];
    await handler.reconcile('flux-system', 'app');
    const artifact = repositories.get('flux-system', 'app')?.status?.artifact;
    git.failure = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const retries = [];
    for (let i = 0; i < 4; i++) retries.push(await handler.reconcile('flux-system', 'app'));
    expect(retries).toEqual([{ requeueAfterMs: 750 }, { requeueAfterMs: 1500 }, { requeueAfterMs: 3000 }, { requeueAfterMs: 6000 }]);
    const status = repositories.get('flux-system', 'app')?.status;
    expect(status?.artifact).toEqual(artifact);
    expect(status?.conditions?.find((c) => c.type === 'FetchFailed')).toMatchObject({ status: 'True', reason: 'GitOperationFailed' });
    expect(status?.conditions?.find((c) => c.type === 'Reconciling')).toMatchObject({ status: 'True', reason: 'ProgressingWithRetry' });
    expect(status?.conditions?.find((c) => c.type === 'ArtifactInStorage')).toMatchObject({ status: 'True' });
    git.failure = undefined;
    expect(await handler.reconcile('flux-system', 'app')).toEqual({ requeueAfterMs: 60_000 });
    git.failure = new Error('connect ECONNREFUSED 127.0.0.1:1');
    expect(await handler.reconcile('flux-system', 'app')).toEqual({ requeueAfterMs: 750 });
  });

  it('given a suspended object, then nothing is fetched, no requeue, and gotk_suspend_status is 1', async () => {
    given(gitRepository({ suspend: true }));
    expect(await handler.reconcile('flux-system', 'app')).toEqual({});
    expect(git.listed).toHaveLength(0);
    expect((await stream())[0]).toMatchObject({ type: 'ReconcileFinished', outcome: 'suspended', reason: 'Suspended' });
    expect(await metrics.registry.metrics()).toMatch(/gotk_suspend_status\{[^}]*kind="GitRepository"[^}]*\} 1/);
  });

  it('given a requestedAt annotation, then lastHandledReconcileAt records it', async () => {
    const repository = gitRepository();
    repository.metadata.annotations = { 'reconcile.fluxcd.io/requestedAt': '2026-01-01T10:00:00Z' };
    given(repository);
    git.refs = [{ ref: 'refs/heads/main', oid: sha('a') }];
    await handler.reconcile('flux-system', 'app');
    expect(repositories.get('flux-system', 'app')?.status?.lastHandledReconcileAt).toBe('2026-01-01T10:00:00Z');
  });

  it('given an object that fails validation, then Ready=False/Stalled with InvalidConfig and a terminal Failed event name the field', async () => {
    const message = 'GitRepository flux-system/app: spec.interval: must be a duration such as "30s", "5m" or "1h"';
    await handler.rejectInvalid({ metadata: { name: 'app', namespace: 'flux-system', generation: 4 } }, message);
    const status = repositories.get('flux-system', 'app')?.status;
    expect(status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidConfig', message, observedGeneration: 4 });
    expect(status?.conditions?.find((c) => c.type === 'Stalled')).toMatchObject({ status: 'True', reason: 'InvalidConfig' });
    expect((await stream())[0]).toMatchObject({ type: 'Failed', reason: 'InvalidConfig', stage: 'validate', terminal: true, message });
  });

  it('never puts credentials of the URL into messages', async () => {
    given(gitRepository({ url: 'https://user:hunter2@git.example.invalid/app.git', ref: { branch: 'nope' } }));
    git.refs = [];
    await handler.reconcile('flux-system', 'app');
    const recorded = JSON.stringify(await stream());
    expect(recorded).toContain("unable to resolve branch 'nope' in 'https://git.example.invalid/app.git'");
    expect(recorded).not.toContain('hunter2');
  });
});

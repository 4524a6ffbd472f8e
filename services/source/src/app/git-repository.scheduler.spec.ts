import type { EventCause, GitRepository } from '@ferry/contracts';
import { GitRepositoryScheduler } from './git-repository.scheduler';

const repository = (generation: number, requestedAt?: string, status?: GitRepository['status']): GitRepository => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
  metadata: { name: 'app', namespace: 'ns', generation, ...(requestedAt ? { annotations: { 'reconcile.fluxcd.io/requestedAt': requestedAt } } : {}) },
  spec: { url: 'https://x.invalid/a.git', interval: '1h', timeout: '60s', suspend: false, recurseSubmodules: false },
  ...(status ? { status } : {}),
});

/** Records reconciles; satisfies the handler's one public method. */
class RecordingHandler {
  readonly calls: Array<{ key: string; cause: EventCause | undefined }> = [];
  async reconcile(namespace: string, name: string, cause?: EventCause) {
    this.calls.push({ key: `${namespace}/${name}`, cause });
    return {};
  }
}

describe('GitRepositoryScheduler', () => {
  let handler: RecordingHandler;
  let forgotten: string[];
  let scheduler: GitRepositoryScheduler;

  beforeEach(() => {
    handler = new RecordingHandler();
    forgotten = [];
    scheduler = new GitRepositoryScheduler(
      handler,
      2,
      (o) => forgotten.push(`${o.namespace}/${o.name}`),
      () => undefined,
      (namespace, name) => (namespace === 'ns' && name === 'app' ? ['includer'] : []),
    );
  });

  afterEach(() => scheduler.stop());

  it('reconciles a new object, a new generation and a new requestedAt, but not its own status writes', async () => {
    scheduler.onUpsert(repository(1), undefined);
    await scheduler.idle();
    scheduler.onUpsert(repository(1, undefined, { observedGeneration: 1 }), repository(1));
    await scheduler.idle();
    expect(handler.calls).toHaveLength(1);
    scheduler.onUpsert(repository(2), repository(1));
    await scheduler.idle();
    scheduler.onUpsert(repository(2, 'now'), repository(2));
    await scheduler.idle();
    expect(handler.calls.map((c) => c.key)).toEqual(['ns/app', 'ns/app', 'ns/app']);
  });

  it('passes the cause of a ReconcileRequested event to the reconcile, and forgets deleted objects', async () => {
    const cause = { correlationId: 'c-1', causationId: 'e-1' };
    scheduler.request({ namespace: 'ns', name: 'app' }, cause);
    await scheduler.idle();
    expect(handler.calls[0]).toEqual({ key: 'ns/app', cause });
    scheduler.onDelete({ namespace: 'ns', name: 'app' });
    expect(forgotten).toEqual(['ns/app']);
  });

  it('reconciles the GitRepositories that include an object when its artifact changes', async () => {
    const artifact = { path: 'p', url: 'http://x/p', revision: 'main@sha1:1', digest: 'sha256:1', lastUpdateTime: 't' };
    scheduler.onUpsert(repository(1, undefined, { artifact }), repository(1));
    await scheduler.idle();
    expect(handler.calls.map((c) => c.key)).toEqual(['ns/includer']);
    scheduler.onUpsert(repository(1, undefined, { artifact, observedGeneration: 1 }), repository(1, undefined, { artifact }));
    await scheduler.idle();
    expect(handler.calls).toHaveLength(1);
  });
});

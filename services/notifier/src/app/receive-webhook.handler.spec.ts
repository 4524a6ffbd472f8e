import { receiverSchema, type Receiver, type ReconcileRequestedV1 } from '@ferry/contracts';
import type { TypeOrmEventStore } from '@ferry/event-store';
import { openInMemoryStore } from '../../test/in-memory-store';
import { webhookPath } from '../domain/receiver-verification';
import { ReceiveWebhookHandler } from './receive-webhook.handler';
import type { ObjectLister, ReceiverDirectory } from './ports';

const token = 'tok';

function receiver(spec: Record<string, unknown>): Receiver {
  return receiverSchema.parse({
    apiVersion: 'notification.toolkit.fluxcd.io/v1',
    kind: 'Receiver',
    metadata: { name: 'hook', namespace: 'flux-system' },
    spec: { type: 'generic', secretRef: { name: 's' }, resources: [{ kind: 'GitRepository', name: 'app' }], ...spec },
  });
}

class Directory implements ReceiverDirectory {
  constructor(
    private readonly entry: Receiver,
    readonly synced = true,
  ) {}
  isSynced() {
    return this.synced;
  }
  byPath(path: string) {
    return path === webhookPath(token, 'hook', 'flux-system') ? { receiver: this.entry, token } : undefined;
  }
}

class Lister implements ObjectLister {
  readonly calls: unknown[][] = [];
  async list(apiVersion: string, kind: string, namespace: string, matchLabels?: Record<string, string>) {
    this.calls.push([apiVersion, kind, namespace, matchLabels]);
    return [{ name: 'one' }, { name: 'two' }];
  }
}

describe('ReceiveWebhookHandler', () => {
  let store: TypeOrmEventStore;
  let close: () => Promise<void>;
  const path = webhookPath(token, 'hook', 'flux-system');
  const request = { headers: {}, body: Buffer.from('{}') };

  beforeEach(async () => ({ store, close } = await openInMemoryStore()));
  afterEach(() => close());

  const stored = async () => (await store.readStream('receiver-flux-system.hook')).map((s) => s.event as ReconcileRequestedV1);

  it('Given a generic receiver, When its path is called, Then a ReconcileRequested is stored for each resource', async () => {
    const handler = new ReceiveWebhookHandler(new Directory(receiver({})), new Lister(), store, () => new Date('2026-11-30T12:00:00Z'));
    expect(await handler.handle(path, request)).toEqual({ status: 200, requested: [{ kind: 'GitRepository', namespace: 'flux-system', name: 'app' }] });
    expect(await stored()).toEqual([
      expect.objectContaining({
        type: 'ReconcileRequested',
        reason: 'webhook',
        requestedAt: '2026-11-30T12:00:00.000Z',
        object: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'flux-system', name: 'app' },
      }),
    ]);
  });

  it('Given a resource named "*" with matchLabels, When called, Then every listed object of the kind is requested', async () => {
    const lister = new Lister();
    const given = receiver({ resources: [{ kind: 'Kustomization', name: '*', namespace: 'apps', matchLabels: { team: 'a' } }] });
    await new ReceiveWebhookHandler(new Directory(given), lister, store).handle(path, request);
    expect(lister.calls).toEqual([['kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'apps', { team: 'a' }]]);
    expect((await stored()).map((e) => e.object.name)).toEqual(['one', 'two']);
  });

  it('Given an unknown path, When called, Then 404 and nothing is stored', async () => {
    const outcome = await new ReceiveWebhookHandler(new Directory(receiver({})), new Lister(), store).handle('/hook/nope', request);
    expect(outcome.status).toBe(404);
    expect(await stored()).toEqual([]);
  });

  it('Given Receivers not listed yet (API server unreachable), When any path is called, Then 503 asks the sender to retry', async () => {
    const outcome = await new ReceiveWebhookHandler(new Directory(receiver({}), false), new Lister(), store).handle('/hook/nope', request);
    expect(outcome).toEqual({ status: 503, reason: 'Receivers are not listed yet: waiting for the Kubernetes API' });
    expect(await stored()).toEqual([]);
  });

  it('Given a gitlab receiver, When called with a wrong token, Then 401 names the receiver and nothing is stored', async () => {
    const handler = new ReceiveWebhookHandler(new Directory(receiver({ type: 'gitlab' })), new Lister(), store);
    expect(await handler.handle(path, { headers: { 'x-gitlab-token': 'bad' }, body: Buffer.from('{}') })).toEqual({
      status: 401,
      reason: 'the X-Gitlab-Token header is missing or wrong',
      receiver: { namespace: 'flux-system', name: 'hook' },
    });
    expect(await stored()).toEqual([]);
  });

  it('Given a quay receiver, When the body is not a Quay payload, Then 400 names the receiver and nothing is stored', async () => {
    const handler = new ReceiveWebhookHandler(new Directory(receiver({ type: 'quay' })), new Lister(), store);
    expect(await handler.handle(path, { headers: {}, body: Buffer.from('not json') })).toEqual({
      status: 400,
      reason: 'the body is not a Quay webhook payload (a JSON object)',
      receiver: { namespace: 'flux-system', name: 'hook' },
    });
    expect(await stored()).toEqual([]);
  });

  it('Given a suspended receiver, When called, Then 503 and nothing is stored', async () => {
    const handler = new ReceiveWebhookHandler(new Directory(receiver({ suspend: true })), new Lister(), store);
    expect((await handler.handle(path, request)).status).toBe(503);
    expect(await stored()).toEqual([]);
  });
});

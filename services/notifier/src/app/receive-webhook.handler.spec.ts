import { receiverSchema, type Receiver, type ReconcileRequestedV1 } from '@ferry/contracts';
import type { TypeOrmEventStore } from '@ferry/event-store';
import { openInMemoryStore } from '../../test/in-memory-store';
import { webhookPath } from '../domain/receiver-verification';
import { ReceiveWebhookHandler } from './receive-webhook.handler';
import type { ObjectLister, ObjectMetadata, ReceiverDirectory } from './ports';

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

const object = (kind: string, namespace: string, name: string, labels: Record<string, string> = {}): ObjectMetadata => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind,
  metadata: { name, namespace, labels },
});

class Lister implements ObjectLister {
  readonly calls: unknown[][] = [];
  async list(apiVersion: string, kind: string, namespace: string, matchLabels?: Record<string, string>) {
    this.calls.push([apiVersion, kind, namespace, matchLabels]);
    return [object(kind, namespace, 'one', { tier: 'web' }), object(kind, namespace, 'two', { tier: 'db' })];
  }
  async get(_apiVersion: string, kind: string, namespace: string, name: string) {
    this.calls.push(['get', kind, namespace, name]);
    return name === 'gone' ? undefined : object(kind, namespace, name, { tier: 'web' });
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

  it('Given a resourceFilter over the object and the JSON body, When called, Then only the objects it accepts are requested', async () => {
    const given = receiver({
      resources: [{ kind: 'Kustomization', name: '*' }, { kind: 'Kustomization', name: 'named' }, { kind: 'Kustomization', name: 'gone' }],
      resourceFilter: `res.metadata.labels.tier == req.tier && req.image.split(':').last().value().startsWith('v')`,
    });
    const handler = new ReceiveWebhookHandler(new Directory(given), new Lister(), store);
    const call = { headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from('{"tier":"web","image":"app:v2"}') };
    expect(await handler.handle(path, call)).toEqual({
      status: 200,
      requested: [
        { kind: 'Kustomization', namespace: 'flux-system', name: 'one' },
        { kind: 'Kustomization', namespace: 'flux-system', name: 'named' },
      ],
    });
    expect((await stored()).map((e) => e.object.name)).toEqual(['one', 'named']);
  });

  it('Given a resourceFilter, When the JSON body does not parse or lacks a field the filter reads, Then 400 names the problem and nothing is stored', async () => {
    const given = receiver({ resources: [{ kind: 'Kustomization', name: '*' }], resourceFilter: "req.tier == 'web'" });
    const handler = new ReceiveWebhookHandler(new Directory(given), new Lister(), store);
    expect(await handler.handle(path, { headers: { 'content-type': 'application/json' }, body: Buffer.from('{"tier":') })).toMatchObject({
      status: 400,
      reason: expect.stringMatching(/^failed to parse request body as JSON: /),
    });
    // Not JSON by its content type: `req` is empty, so reading req.tier fails.
    expect(await handler.handle(path, { headers: { 'content-type': 'text/plain' }, body: Buffer.from('tier=web') })).toEqual({
      status: 400,
      reason: 'spec.resourceFilter failed on Kustomization flux-system/one: no such key: tier',
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

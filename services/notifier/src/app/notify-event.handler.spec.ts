import { alertSchema, newEvent, providerSchema, type Alert, type FailedV1, type NotificationAttemptedV1, type Provider } from '@ferry/contracts';
import type { TypeOrmEventStore } from '@ferry/event-store';
import { openInMemoryStore } from '../../test/in-memory-store';
import { compileAlert, type CompiledAlert } from '../domain/alert-matching';
import type { FluxEvent } from '../domain/flux-event';
import { EventRateLimiter } from '../domain/rate-limiter';
import { EventStoreAttemptLog } from '../infra/event-store-attempt-log';
import { NotifyEventHandler, RetryLaterError, notificationStreamId, type DeliveryObserver } from './notify-event.handler';
import { DeliveryError, type NotificationObjects, type NotificationSender, type ProviderState, type SendResult } from './ports';

class ScriptedSender implements NotificationSender {
  readonly sent: FluxEvent[] = [];
  constructor(private readonly script: (SendResult | DeliveryError)[] = []) {}
  async send(event: FluxEvent): Promise<SendResult> {
    this.sent.push(event);
    const next = this.script.shift() ?? { statusCode: 200 };
    if (next instanceof DeliveryError) throw next;
    return next;
  }
}

function alert(name: string, provider: string, spec: Record<string, unknown> = {}): CompiledAlert {
  const parsed: Alert = alertSchema.parse({
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind: 'Alert',
    metadata: { name, namespace: 'flux-system' },
    spec: { providerRef: { name: provider }, eventSources: [{ kind: 'Kustomization', name: '*' }], ...spec },
  });
  return compileAlert(parsed);
}

function provider(name: string): Provider {
  return providerSchema.parse({
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind: 'Provider',
    metadata: { name, namespace: 'flux-system' },
    spec: { type: 'generic', address: 'http://x' },
  });
}

class Objects implements NotificationObjects {
  constructor(
    readonly compiled: CompiledAlert[],
    readonly providers: Map<string, ProviderState>,
  ) {}
  synced = true;
  isSynced() {
    return this.synced;
  }
  alerts() {
    return this.compiled;
  }
  provider(_namespace: string, name: string) {
    return this.providers.get(name);
  }
  async labelsOf() {
    return {};
  }
}

class Observed implements DeliveryObserver {
  readonly attempts: NotificationAttemptedV1[] = [];
  readonly notReady: string[] = [];
  rateLimitedCount = 0;
  attempted(record: NotificationAttemptedV1) {
    this.attempts.push(record);
  }
  rateLimited() {
    this.rateLimitedCount++;
  }
  providerNotReady(_alert: CompiledAlert, message: string) {
    this.notReady.push(message);
  }
  tooOldCount = 0;
  tooOld() {
    this.tooOldCount++;
  }
  duplicates = 0;
  duplicate() {
    this.duplicates++;
  }
}

const failedEvent = (message = 'build failed: kustomization.yaml not found') =>
  newEvent<FailedV1>({
    type: 'Failed',
    schemaVersion: 1,
    object: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
    revision: `main@sha1:${'f'.repeat(40)}`,
    reason: 'BuildFailed',
    message,
    stage: 'build',
    terminal: false,
  });

describe('NotifyEventHandler', () => {
  let store: TypeOrmEventStore;
  let close: () => Promise<void>;


  beforeEach(async () => ({ store, close } = await openInMemoryStore()));
  afterEach(() => close());

  function setup(alerts: CompiledAlert[], senders: Record<string, NotificationSender | string>, rateLimitMs = 0) {
    const providers = new Map<string, ProviderState>(
      Object.entries(senders).map(([name, sender]) => [
        name,
        typeof sender === 'string' ? { ready: false, provider: provider(name), message: sender } : { ready: true, provider: provider(name), sender },
      ]),
    );
    const observer = new Observed();
    const objects = new Objects(alerts, providers);
    const handler = new NotifyEventHandler(objects, new EventStoreAttemptLog(store), new EventRateLimiter(rateLimitMs), observer, {
      attempts: 3,
      backoffMs: [1, 2],
      sleep: async () => undefined,
    });
    return { handler, observer, objects };
  }

  it('Given Alerts not listed yet (API server unreachable), When an event arrives, Then it is handed back for redelivery, not dropped', async () => {
    const slack = new ScriptedSender();
    const { handler, observer, objects } = setup([alert('a', 'slack')], { slack });
    objects.synced = false;
    const event = failedEvent();
    await expect(handler.handle(event)).rejects.toThrow(RetryLaterError);
    expect(slack.sent).toHaveLength(0);
    objects.synced = true;
    expect(await handler.handle(event)).toEqual(['delivered']);
    expect(observer.attempts).toHaveLength(1);
  });

  it('Given two matching alerts, When an event arrives twice, Then each provider gets it once and the attempts are stored', async () => {
    const slack = new ScriptedSender();
    const gitlab = new ScriptedSender();
    const { handler, observer } = setup([alert('a', 'slack'), alert('b', 'gitlab')], { slack, gitlab });
    const event = failedEvent();
    expect(await handler.handle(event)).toEqual(['delivered', 'delivered']);
    expect(await handler.handle(event)).toEqual(['duplicate', 'duplicate']);
    expect(slack.sent).toHaveLength(1);
    expect(gitlab.sent).toHaveLength(1);
    expect(observer.attempts.map((a) => a.outcome)).toEqual(['delivered', 'delivered']);
    const stored = await store.readStream(notificationStreamId(event.id, { namespace: 'flux-system', name: 'a' }, 'slack'));
    expect(stored.map((s) => s.event)).toEqual([expect.objectContaining({ type: 'NotificationAttempted', eventId: event.id, outcome: 'delivered', statusCode: 200, attempt: 1 })]);
  });

  it('Given a provider that fails with 503 then succeeds, When notified, Then it is retried and both attempts are stored', async () => {
    const flaky = new ScriptedSender([new DeliveryError('generic: POST answered 503: busy', 503, true)]);
    const { handler } = setup([alert('a', 'flaky')], { flaky });
    const event = failedEvent();
    expect(await handler.handle(event)).toEqual(['delivered']);
    const stored = await store.readStream(notificationStreamId(event.id, { namespace: 'flux-system', name: 'a' }, 'flaky'));
    expect(stored.map((s) => [(s.event as NotificationAttemptedV1).outcome, (s.event as NotificationAttemptedV1).statusCode])).toEqual([
      ['failed', 503],
      ['delivered', 200],
    ]);
  });

  it('Given one provider always down, When notified, Then the other is delivered and a retry is asked for the failing one only', async () => {
    const down = new ScriptedSender(Array.from({ length: 3 }, () => new DeliveryError('connection refused', null, true)));
    const up = new ScriptedSender();
    const { handler } = setup([alert('a', 'down'), alert('b', 'up')], { down, up });
    const event = failedEvent();
    await expect(handler.handle(event)).rejects.toThrow(RetryLaterError);
    expect(up.sent).toHaveLength(1);
    expect(down.sent).toHaveLength(3);
    // The redelivery sends to the failing provider again, not to the one that got it.
    expect(await handler.handle(event)).toEqual(['delivered', 'duplicate']);
    expect(up.sent).toHaveLength(1);
  });

  it('Given a slow failing provider, When the delivery deadline passes, Then no further try starts and a retry is asked for', async () => {
    let clock = 0;
    const slow: NotificationSender = {
      send: async () => {
        clock += 15_000;
        throw new DeliveryError('POST request failed: timed out after 15000ms', null, true);
      },
    };
    const observer = new Observed();
    const handler = new NotifyEventHandler(new Objects([alert('a', 'slow')], new Map([['slow', { ready: true, provider: provider('slow'), sender: slow }]])), new EventStoreAttemptLog(store), new EventRateLimiter(0), observer, {
      attempts: 5,
      backoffMs: [1000],
      deadlineMs: 20_000,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
    });
    await expect(handler.handle(failedEvent())).rejects.toThrow(RetryLaterError);
    expect(observer.attempts).toHaveLength(2);
  });

  it('Given a provider answering 400, When notified, Then it fails once, finally, and a redelivery does not resend', async () => {
    const bad = new ScriptedSender([new DeliveryError('generic: POST answered 400: bad', 400, false)]);
    const { handler } = setup([alert('a', 'bad')], { bad });
    const event = failedEvent();
    expect(await handler.handle(event)).toEqual(['failed']);
    expect(await handler.handle(event)).toEqual(['duplicate']);
    expect(bad.sent).toHaveLength(1);
  });

  it('Given an alert whose provider is not ready, When notified, Then nothing is sent and the reason is reported', async () => {
    const { handler, observer } = setup([alert('a', 'broken'), alert('b', 'missing')], { broken: 'secret "slack-url" not found' });
    expect(await handler.handle(failedEvent())).toEqual(['provider-not-ready', 'provider-not-ready']);
    expect(observer.notReady).toEqual([
      'Provider flux-system/broken is not ready: secret "slack-url" not found',
      'Provider flux-system/missing not found',
    ]);
  });

  it('Given rate limiting, When an identical event with another id arrives, Then it is dropped', async () => {
    const slack = new ScriptedSender();
    const { handler, observer } = setup([alert('a', 'slack')], { slack }, 60_000);
    await handler.handle(failedEvent());
    expect(await handler.handle(failedEvent())).toEqual([]);
    expect(observer.rateLimitedCount).toBe(1);
    expect(slack.sent).toHaveLength(1);
  });

  it('Given a max event age, When an event older than that arrives, Then nothing is sent', async () => {
    const slack = new ScriptedSender();
    const observer = new Observed();
    const providers = new Map<string, ProviderState>([['slack', { ready: true, provider: provider('slack'), sender: slack }]]);
    const handler = new NotifyEventHandler(new Objects([alert('a', 'slack')], providers), new EventStoreAttemptLog(store), new EventRateLimiter(0), observer, {
      attempts: 1,
      backoffMs: [0],
      maxEventAgeMs: 3_600_000,
      now: () => Date.parse('2026-11-30T12:00:00Z'),
    });
    const old = newEvent<FailedV1>(
      { type: 'Failed', schemaVersion: 1, object: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }, revision: null, reason: 'BuildFailed', message: 'old', stage: 'build', terminal: false },
      undefined,
      new Date('2026-11-30T10:59:59Z'),
    );
    expect(await handler.handle(old)).toEqual([]);
    expect(observer.tooOldCount).toBe(1);
    expect(slack.sent).toHaveLength(0);
  });

  it('Given an alert with a summary, When delivered, Then the provider receives the summary in the metadata', async () => {
    const slack = new ScriptedSender();
    const { handler } = setup([alert('a', 'slack', { summary: 'prod', eventSeverity: 'error' })], { slack });
    await handler.handle(failedEvent());
    expect(slack.sent[0]?.metadata).toEqual({ summary: 'prod', revision: `main@sha1:${'f'.repeat(40)}` });
  });
});

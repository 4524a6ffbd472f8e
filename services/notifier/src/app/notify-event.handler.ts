import { causedBy, newEvent, type NotificationAttemptedV1, type RawEnvelope } from '@ferry/contracts';
import { alertMatches, enrichForAlert, type CompiledAlert } from '../domain/alert-matching';
import { isForProvider, toFluxEvent, type FluxEvent } from '../domain/flux-event';
import type { EventRateLimiter } from '../domain/rate-limiter';
import { DeliveryError, type AttemptLog, type NotificationObjects, type NotificationSender } from './ports';

/** What happened to one (alert, provider) pair of an event. */
export type PairOutcome = 'delivered' | 'skipped' | 'duplicate' | 'failed' | 'retry-later' | 'provider-not-ready';

/** Told about every attempt and every pair that could not be tried; logs and metrics live behind it. */
export interface DeliveryObserver {
  attempted(record: NotificationAttemptedV1): void;
  rateLimited(event: FluxEvent, eventId: string): void;
  providerNotReady(alert: CompiledAlert, message: string): void;
  duplicate(streamId: string): void;
  tooOld(event: FluxEvent, eventId: string, ageMs: number): void;
}

/** Retries within one delivery; JetStream redelivers the event later if they all fail. */
export interface NotifyOptions {
  attempts: number;
  backoffMs: number[];
  /** No new try starts this long after the event arrived: stays under JetStream's ack wait, so a slow provider
   * cannot get the message redelivered (and sent twice) while we are still trying. */
  deadlineMs?: number;
  /** Events older than this are not sent: a fresh consumer replays the whole stream, and news from yesterday is noise. */
  maxEventAgeMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Thrown when a provider failed in a way worth retrying: the consumer NAKs and the event comes back later. */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
}

/** The event-store stream that keeps the attempts of one event for one (alert, provider). */
export function notificationStreamId(eventId: string, alert: { namespace: string; name: string }, providerName: string): string {
  return `notification-${eventId}-${alert.namespace}.${alert.name}-${providerName}`;
}

// A non-retryable failure (4xx other than 429) is final: sending the same payload again cannot succeed.
function isFinal(record: NotificationAttemptedV1): boolean {
  if (record.outcome !== 'failed') return true;
  return record.statusCode !== null && record.statusCode >= 400 && record.statusCode < 500 && record.statusCode !== 429;
}

/**
 * Flux's dispatch: maps a Ferry event to Flux's shape, drops identical events within the rate-limit window,
 * and sends it once to the provider of every matching alert. "Once" holds across redeliveries and restarts:
 * each (event, alert, provider) has a stream in the attempt log (the event store), and a delivered (or finally
 * failed) attempt there means it is not sent again; records use the stream's version, so two workers cannot
 * both record one.
 */
export class NotifyEventHandler {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly objects: NotificationObjects,
    private readonly log: AttemptLog,
    private readonly limiter: EventRateLimiter,
    private readonly observer: DeliveryObserver,
    private readonly options: NotifyOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Notifies one event; resolves with each pair's outcome, throws RetryLaterError if one should be retried. */
  async handle(event: RawEnvelope): Promise<PairOutcome[]> {
    const flux = toFluxEvent(event);
    if (!flux) return [];
    if (!this.objects.isSynced()) throw new RetryLaterError('Providers and Alerts are not listed yet: waiting for the Kubernetes API');
    const ageMs = this.now() - Date.parse(event.occurredAt);
    if (this.options.maxEventAgeMs !== undefined && ageMs > this.options.maxEventAgeMs) {
      this.observer.tooOld(flux, event.id, ageMs);
      return [];
    }
    if (!this.limiter.allow(flux, event.id, this.now())) {
      this.observer.rateLimited(flux, event.id);
      return [];
    }
    const alerts = this.objects.alerts();
    const needsLabels = alerts.some((compiled) => compiled.alert.spec.eventSources.some((source) => source.matchLabels));
    const labels = needsLabels ? await this.objects.labelsOf(flux.involvedObject) : undefined;
    const matching = alerts.filter((compiled) => alertMatches(compiled, flux, () => labels));
    // Providers are independent: one failing or slow never holds the others back.
    const deadline = this.now() + (this.options.deadlineMs ?? 20_000);
    const outcomes = await Promise.all(matching.map((compiled) => this.deliverForAlert(event, flux, compiled, deadline)));
    if (outcomes.includes('retry-later')) {
      throw new RetryLaterError(`event ${event.id}: ${outcomes.filter((o) => o === 'retry-later').length} provider(s) failed and will be retried`);
    }
    return outcomes;
  }

  private async deliverForAlert(event: RawEnvelope, flux: FluxEvent, compiled: CompiledAlert, deadline: number): Promise<PairOutcome> {
    const { alert } = compiled;
    const namespace = alert.metadata.namespace ?? 'default';
    const state = this.objects.provider(namespace, alert.spec.providerRef.name);
    if (!state) {
      this.observer.providerNotReady(compiled, `Provider ${namespace}/${alert.spec.providerRef.name} not found`);
      return 'provider-not-ready';
    }
    if (!state.ready) {
      this.observer.providerNotReady(compiled, `Provider ${namespace}/${state.provider.metadata.name} is not ready: ${state.message}`);
      return 'provider-not-ready';
    }
    if (state.provider.spec.suspend) return 'skipped';
    if (!isForProvider(flux, state.provider.spec.type)) return 'skipped';
    const streamId = notificationStreamId(event.id, { namespace, name: alert.metadata.name }, state.provider.metadata.name);
    const history = await this.log.attempts(streamId);
    if (history.some(isFinal)) {
      this.observer.duplicate(streamId);
      return 'duplicate';
    }
    return this.attempt(event, enrichForAlert(alert, flux), streamId, history.length, {
      alert: { namespace, name: alert.metadata.name },
      provider: { namespace, name: state.provider.metadata.name, type: state.provider.spec.type },
      sender: state.sender,
      deadline,
    });
  }

  private async attempt(
    event: RawEnvelope,
    flux: FluxEvent,
    streamId: string,
    startVersion: number,
    target: { alert: NotificationAttemptedV1['alert']; provider: NotificationAttemptedV1['provider']; sender: NotificationSender; deadline: number },
  ): Promise<PairOutcome> {
    let version = startVersion;
    for (let index = 0; index < this.options.attempts; index++) {
      const started = this.now();
      let outcome: NotificationAttemptedV1['outcome'];
      let statusCode: number | null = null;
      let error: string | null = null;
      let retryable = false;
      try {
        const result = await target.sender.send(flux);
        statusCode = result.statusCode;
        outcome = result.skipped ? 'skipped' : 'delivered';
        error = result.skipped ?? null;
      } catch (caught) {
        outcome = 'failed';
        error = caught instanceof Error ? caught.message : String(caught);
        if (caught instanceof DeliveryError) {
          statusCode = caught.statusCode;
          retryable = caught.retryable;
        }
      }
      const record = newEvent<NotificationAttemptedV1>(
        {
          type: 'NotificationAttempted',
          schemaVersion: 1,
          eventId: event.id,
          object: { ...flux.involvedObject },
          alert: target.alert,
          provider: target.provider,
          outcome,
          statusCode,
          durationMs: Math.max(0, this.now() - started),
          error,
          attempt: version + 1,
        },
        causedBy(event),
      );
      // Recorded right after the answer, in the next group commit: a crash in between (a few milliseconds)
      // is the one window in which a delivered notification can be sent again.
      // Not recorded: someone else recorded an attempt for this pair meanwhile (a redelivery racing us); theirs counts.
      if (!(await this.log.record(streamId, record, version))) return 'duplicate';
      version++;
      this.observer.attempted(record);
      if (outcome !== 'failed') return outcome;
      if (!retryable) return 'failed';
      const delay = this.options.backoffMs[Math.min(index, this.options.backoffMs.length - 1)] ?? 0;
      if (index + 1 >= this.options.attempts || this.now() + delay >= target.deadline) break;
      await this.sleep(delay);
    }
    return 'retry-later';
  }
}

import { formatObjectRef, type NotificationAttemptedV1 } from '@ferry/contracts';
import type { FerryMetrics, Logger } from '@ferry/observability';
import type { DeliveryObserver } from '../app/notify-event.handler';
import type { CompiledAlert } from '../domain/alert-matching';
import type { FluxEvent } from '../domain/flux-event';

/** Logs every attempt in Flux's shape and counts deliveries per provider type and outcome. */
export class LoggingDeliveryObserver implements DeliveryObserver {
  constructor(
    private readonly logger: Logger,
    private readonly metrics: FerryMetrics,
  ) {}

  attempted(record: NotificationAttemptedV1): void {
    const fields = {
      kind: record.object.kind,
      name: record.object.name,
      namespace: record.object.namespace,
      alert: `${record.alert.namespace}/${record.alert.name}`,
      provider: `${record.provider.namespace}/${record.provider.name}`,
      providerType: record.provider.type,
      eventId: record.eventId,
      statusCode: record.statusCode,
      durationMs: record.durationMs,
      attempt: record.attempt,
    };
    this.metrics.notifications.inc({ provider: record.provider.type, outcome: record.outcome });
    this.metrics.notificationDuration.observe({ provider: record.provider.type }, record.durationMs / 1000);
    if (record.outcome === 'failed') this.logger.error(`failed to send notification for ${formatObjectRef(record.object)}: ${record.error ?? ''}`, fields);
    else if (record.outcome === 'skipped') this.logger.info(`notification skipped: ${record.error ?? ''}`, fields);
    // Every success is in the event store and the metrics; at info level the log would grow with the event rate.
    else this.logger.debug('notification sent', fields);
  }

  rateLimited(event: FluxEvent, eventId: string): void {
    this.metrics.notifications.inc({ provider: 'any', outcome: 'rate-limited' });
    const { kind, name, namespace } = event.involvedObject;
    this.logger.debug('discarding identical event within the rate limit interval', { kind, name, namespace, eventId, reason: event.reason });
  }

  providerNotReady(alert: CompiledAlert, message: string): void {
    this.metrics.notifications.inc({ provider: 'any', outcome: 'provider-not-ready' });
    this.logger.error(`alert ${alert.alert.metadata.namespace ?? 'default'}/${alert.alert.metadata.name} cannot notify: ${message}`, {
      kind: 'Alert',
      name: alert.alert.metadata.name,
      namespace: alert.alert.metadata.namespace,
    });
  }

  tooOld(event: FluxEvent, eventId: string, ageMs: number): void {
    this.metrics.notifications.inc({ provider: 'any', outcome: 'too-old' });
    const { kind, name, namespace } = event.involvedObject;
    this.logger.info(`not notifying an event ${Math.round(ageMs / 1000)}s old (NOTIFIER_MAX_EVENT_AGE)`, { kind, name, namespace, eventId, reason: event.reason });
  }

  duplicate(streamId: string): void {
    this.metrics.notifications.inc({ provider: 'any', outcome: 'duplicate' });
    this.logger.debug('notification already sent, not sending again', { stream: streamId });
  }
}

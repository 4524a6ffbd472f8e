import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric Ferry exports, declared in one place with Flux's names and labels. */
export interface FerryMetrics {
  registry: Registry;
  /** Flux: duration of a reconcile, by object. */
  reconcileDuration: Histogram<'kind' | 'name' | 'namespace'>;
  /** Flux: 1 for the current status of each condition type of each object. */
  reconcileCondition: Gauge<'kind' | 'name' | 'namespace' | 'type' | 'status'>;
  /** Flux: 1 when the object is suspended. */
  suspendStatus: Gauge<'kind' | 'name' | 'namespace'>;
  /** Events appended to the store, by type. */
  eventsAppended: Counter<'type'>;
  /** Events published by the outbox relay. */
  eventsPublished: Counter<'type'>;
  /** Events consumed, by type and outcome (processed, duplicate, failed, dead-lettered). */
  eventsConsumed: Counter<'type' | 'outcome'>;
  /** Notification deliveries by provider type and outcome. */
  notifications: Counter<'provider' | 'outcome'>;
  /** Notification delivery latency by provider type. */
  notificationDuration: Histogram<'provider'>;
}

/** Creates the registry of one service, with Node's default process metrics. */
export function createMetrics(service: string): FerryMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    reconcileDuration: new Histogram({
      name: 'gotk_reconcile_duration_seconds',
      help: 'The duration in seconds of a GitOps Toolkit resource reconciliation.',
      labelNames: ['kind', 'name', 'namespace'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    reconcileCondition: new Gauge({
      name: 'gotk_reconcile_condition',
      help: 'The current condition status of a GitOps Toolkit resource reconciliation.',
      labelNames: ['kind', 'name', 'namespace', 'type', 'status'],
      registers,
    }),
    suspendStatus: new Gauge({
      name: 'gotk_suspend_status',
      help: 'The current suspend status of a GitOps Toolkit resource.',
      labelNames: ['kind', 'name', 'namespace'],
      registers,
    }),
    eventsAppended: new Counter({
      name: 'ferry_events_appended_total',
      help: 'Events appended to the event store.',
      labelNames: ['type'],
      registers,
    }),
    eventsPublished: new Counter({
      name: 'ferry_events_published_total',
      help: 'Events published to NATS JetStream by the outbox relay.',
      labelNames: ['type'],
      registers,
    }),
    eventsConsumed: new Counter({
      name: 'ferry_events_consumed_total',
      help: 'Events received from NATS JetStream, by outcome.',
      labelNames: ['type', 'outcome'],
      registers,
    }),
    notifications: new Counter({
      name: 'ferry_notifications_total',
      help: 'Notification deliveries to providers, by outcome.',
      labelNames: ['provider', 'outcome'],
      registers,
    }),
    notificationDuration: new Histogram({
      name: 'ferry_notification_duration_seconds',
      help: 'Time to deliver a notification to a provider.',
      labelNames: ['provider'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  };
}

/** Flux's condition statuses: each is exported so dashboards can select `status="True"`. */
const CONDITION_STATUSES = ['True', 'False', 'Unknown', 'Deleted'] as const;

/** Sets gotk_reconcile_condition for one object: 1 on the current status, 0 on the others. */
export function recordCondition(
  metrics: FerryMetrics,
  object: { kind: string; name: string; namespace: string },
  type: string,
  status: (typeof CONDITION_STATUSES)[number],
): void {
  for (const candidate of CONDITION_STATUSES) {
    metrics.reconcileCondition.set({ ...object, type, status: candidate }, candidate === status ? 1 : 0);
  }
}

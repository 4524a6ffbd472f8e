import type { NotificationSender, SendResult } from '../../app/ports';
import type { FluxEvent } from '../../domain/flux-event';
import { commitStatusDescription, isProgressing } from './commit-status';
import { jsonHeaders, sendOrFail, type HttpTransport } from './http-transport';

// Flux's "<reason in words>: <kind>/<name>" (its formatNameAndDescription), e.g. "health check failed: kustomization/apps".
const summaryOf = (event: FluxEvent) => `${commitStatusDescription(event)}: ${`${event.involvedObject.kind}/${event.involvedObject.name}`.toLowerCase()}`;
const secondsOf = (timestamp: string) => new Date(timestamp).toISOString().replace(/\.\d{3}Z$/, 'Z');
const detailsOf = (event: FluxEvent) => ({ message: event.message, metadata: event.metadata ?? {} });

/**
 * Flux's PagerDuty Events API v2 payload: an error triggers an incident, anything else resolves it, keyed by
 * the object. Flux keys by the object's UID; Ferry's events name the object but carry no UID, so the key is
 * `<kind>/<namespace>/<name>`, which pairs a trigger with its resolve just the same.
 */
export function pagerDutyEvent(event: FluxEvent, routingKey: string): unknown {
  const { kind, namespace, name } = event.involvedObject;
  const base = { routing_key: routingKey, event_action: 'resolve', dedup_key: `${kind}/${namespace}/${name}` };
  if (event.severity !== 'error') return base;
  return {
    ...base,
    event_action: 'trigger',
    payload: {
      summary: summaryOf(event),
      source: `Flux ${event.reportingController}`,
      severity: 'error',
      timestamp: secondsOf(event.timestamp),
      component: name,
      group: kind,
      custom_details: detailsOf(event),
    },
  };
}

/** Flux's PagerDuty change event, sent for info events besides the resolve. */
export function pagerDutyChangeEvent(event: FluxEvent, routingKey: string): unknown {
  return {
    routing_key: routingKey,
    payload: { summary: summaryOf(event), source: `Flux ${event.reportingController}`, timestamp: secondsOf(event.timestamp), custom_details: detailsOf(event) },
  };
}

/** PagerDuty (Flux's `pagerduty`): events to `<scheme://host>/v2/enqueue`, info events also as change events. */
export class PagerDutyProvider implements NotificationSender {
  private readonly endpoint: string;

  constructor(
    private readonly http: HttpTransport,
    address: string,
    private readonly routingKey: string,
  ) {
    // Flux keeps only the scheme and host of the address.
    this.endpoint = new URL(address).origin;
  }

  async send(event: FluxEvent): Promise<SendResult> {
    if (isProgressing(event)) return { statusCode: null, skipped: 'progressing events are not sent to PagerDuty' };
    const post = (path: string, body: unknown) =>
      sendOrFail(this.http, { method: 'POST', url: `${this.endpoint}${path}`, headers: jsonHeaders(), body: JSON.stringify(body) }, 'pagerduty');
    let response = await post('/v2/enqueue', pagerDutyEvent(event, this.routingKey));
    if (event.severity === 'info') response = await post('/v2/change/enqueue', pagerDutyChangeEvent(event, this.routingKey));
    return { statusCode: response.status };
  }
}

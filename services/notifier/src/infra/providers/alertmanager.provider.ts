import type { NotificationSender, SendResult } from '../../app/ports';
import type { FluxEvent } from '../../domain/flux-event';
import { basicAuthorization, jsonHeaders, sendOrFail, type HttpTransport } from './http-transport';

/** One alert of Alertmanager's v2 API. */
export interface AlertmanagerAlert {
  status: 'firing';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

// Go's cases.Title: first letter upper, the rest lower ("ReconciliationSucceeded" → "Reconciliationsucceeded").
const title = (text: string) => text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();

/**
 * Flux's alertmanager payload: metadata as labels plus alertname `Flux<Kind><Reason>`, severity, reason,
 * object; the message (and summary) as annotations. `endsAt` is Go's zero time, as Flux sends it: Alertmanager
 * then resolves the alert after its `resolve_timeout`.
 */
export function alertmanagerPayload(event: FluxEvent): AlertmanagerAlert[] {
  const { summary, ...metadata } = event.metadata ?? {};
  return [
    {
      status: 'firing',
      labels: {
        ...metadata,
        alertname: `Flux${event.involvedObject.kind}${title(event.reason)}`,
        severity: event.severity,
        reason: event.reason,
        kind: event.involvedObject.kind,
        name: event.involvedObject.name,
        namespace: event.involvedObject.namespace,
        reportingcontroller: event.reportingController,
      },
      annotations: { message: event.message, ...(summary ? { summary } : {}) },
      startsAt: new Date(event.timestamp).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      endsAt: '0001-01-01T00:00:00Z',
    },
  ];
}

/** Alertmanager (Flux's `alertmanager`): POST the alert list to the address (…/api/v2/alerts). */
export class AlertmanagerProvider implements NotificationSender {
  constructor(
    private readonly http: HttpTransport,
    private readonly options: { address: string; basicAuth?: { username: string; password: string } | undefined; token?: string | undefined },
  ) {}

  async send(event: FluxEvent): Promise<SendResult> {
    const headers = jsonHeaders();
    if (this.options.basicAuth) {
      const { username, password } = this.options.basicAuth;
      headers['Authorization'] = basicAuthorization(username, password);
    } else if (this.options.token) {
      headers['Authorization'] = `Bearer ${this.options.token}`;
    }
    const body = JSON.stringify(alertmanagerPayload(event));
    const response = await sendOrFail(this.http, { method: 'POST', url: this.options.address, headers, body }, 'alertmanager');
    return { statusCode: response.status };
  }
}

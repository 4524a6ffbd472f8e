import { createHmac } from 'node:crypto';
import type { NotificationSender, SendResult } from '../../app/ports';
import type { FluxEvent } from '../../domain/flux-event';
import { basicAuthorization, jsonHeaders, sendOrFail, type HttpTransport } from './http-transport';

/** The header Flux's forwarder sets to the reporting controller's name. */
export const NOTIFICATION_HEADER = 'gotk-component';

/** The event as Go's encoding/json writes Flux's `eventv1.Event` (field order and omitempty included). */
export function fluxEventJson(event: FluxEvent): string {
  const { kind, namespace, name, apiVersion } = event.involvedObject;
  return JSON.stringify({
    involvedObject: { kind, namespace, name, apiVersion },
    severity: event.severity,
    timestamp: event.timestamp,
    message: event.message,
    reason: event.reason,
    ...(event.metadata && Object.keys(event.metadata).length > 0 ? { metadata: event.metadata } : {}),
    reportingController: event.reportingController,
    ...(event.reportingInstance ? { reportingInstance: event.reportingInstance } : {}),
  });
}

/** `sha256=<hex HMAC-SHA256 of the body>`: the X-Signature Flux's generic-hmac provider sends. */
export function hmacSignature(body: string, key: string): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

/**
 * Flux's `generic` forwarder (the raw event JSON, headers from the secret) and `generic-hmac` (the same,
 * signed with the secret's token in X-Signature).
 */
export class GenericProvider implements NotificationSender {
  constructor(
    private readonly http: HttpTransport,
    private readonly options: {
      address: string;
      headers?: Record<string, string> | undefined;
      hmacKey?: string | undefined;
      basicAuth?: { username: string; password: string } | undefined;
    },
  ) {}

  async send(event: FluxEvent): Promise<SendResult> {
    const body = fluxEventJson(event);
    const headers = jsonHeaders({ [NOTIFICATION_HEADER]: event.reportingController, ...(this.options.headers ?? {}) });
    if (this.options.basicAuth) {
      const { username, password } = this.options.basicAuth;
      headers['Authorization'] = basicAuthorization(username, password);
    }
    if (this.options.hmacKey !== undefined) headers['X-Signature'] = hmacSignature(body, this.options.hmacKey);
    const provider = this.options.hmacKey !== undefined ? 'generic-hmac' : 'generic';
    const response = await sendOrFail(this.http, { method: 'POST', url: this.options.address, headers, body }, provider);
    return { statusCode: response.status };
  }
}

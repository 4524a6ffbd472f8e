import type { NotificationSender, SendResult } from '../../app/ports';
import type { FluxEvent } from '../../domain/flux-event';
import { jsonHeaders, sendOrFail, type HttpRequest, type HttpTransport } from './http-transport';

/** Where and how a JSON webhook provider sends; `url` may depend on the event (Matrix's transaction id). */
export interface JsonWebhookTarget {
  url: string | ((event: FluxEvent) => string);
  method?: HttpRequest['method'];
  headers?: Record<string, string>;
}

/**
 * A provider that sends one JSON document per event to one endpoint: Google Chat, Rocket.Chat, Webex, Lark,
 * Matrix, Telegram, Opsgenie and Grafana differ only in the document, the address and the auth header.
 */
export class JsonWebhookProvider implements NotificationSender {
  constructor(
    private readonly http: HttpTransport,
    private readonly providerType: string,
    private readonly target: JsonWebhookTarget,
    private readonly payload: (event: FluxEvent) => unknown,
  ) {}

  async send(event: FluxEvent): Promise<SendResult> {
    const { url, method = 'POST', headers = {} } = this.target;
    const request = { method, url: typeof url === 'string' ? url : url(event), headers: jsonHeaders(headers), body: JSON.stringify(this.payload(event)) };
    const response = await sendOrFail(this.http, request, this.providerType);
    return { statusCode: response.status };
  }
}

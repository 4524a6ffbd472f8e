import type { NotificationSender, SendResult } from '../../app/ports';
import type { FluxEvent } from '../../domain/flux-event';
import { jsonHeaders, sendOrFail, type HttpTransport } from './http-transport';
import { objectDisplayName } from './slack.provider';

/** The Adaptive Card message Flux posts to a Teams workflow webhook: title, message, metadata as facts. */
export function msTeamsPayload(event: FluxEvent): unknown {
  const facts = Object.entries(event.metadata ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([title, value]) => ({ title, value }));
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              text: objectDisplayName(event),
              size: 'large',
              weight: 'bolder',
              wrap: true,
              color: event.severity === 'error' ? 'attention' : 'good',
            },
            { type: 'TextBlock', text: event.message, wrap: true },
            { type: 'FactSet', facts },
          ],
        },
      },
    ],
  };
}

/** Microsoft Teams (Flux's `msteams`): an Adaptive Card to the workflow webhook address. */
export class MsTeamsProvider implements NotificationSender {
  constructor(
    private readonly http: HttpTransport,
    private readonly address: string,
  ) {}

  async send(event: FluxEvent): Promise<SendResult> {
    const body = JSON.stringify(msTeamsPayload(event));
    const response = await sendOrFail(this.http, { method: 'POST', url: this.address, headers: jsonHeaders(), body }, 'msteams');
    return { statusCode: response.status };
  }
}

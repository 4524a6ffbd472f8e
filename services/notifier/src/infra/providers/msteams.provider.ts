import type { NotificationSender, SendResult } from '../../app/ports';
import type { FluxEvent } from '../../domain/flux-event';
import { jsonHeaders, sendOrFail, type HttpTransport } from './http-transport';
import { objectDisplayName } from './slack.provider';

/** Facts as Flux orders them: `summary` first, then the other metadata sorted by key. */
function facts(event: FluxEvent): { title: string; value: string }[] {
  const { summary, ...rest } = event.metadata ?? {};
  const sorted = Object.entries(rest)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([title, value]) => ({ title, value }));
  return summary !== undefined ? [{ title: 'summary', value: summary }, ...sorted] : sorted;
}

/** The Adaptive Card Flux posts to a Teams workflow webhook: one container with title, message and facts. */
export function msTeamsPayload(event: FluxEvent): unknown {
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
              type: 'Container',
              items: [
                { type: 'TextBlock', text: objectDisplayName(event), size: 'large', weight: 'bolder', wrap: true },
                { type: 'TextBlock', text: event.message, ...(event.severity === 'error' ? { color: 'attention' } : {}), wrap: true },
                { type: 'FactSet', facts: facts(event) },
              ],
            },
          ],
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}

/** The legacy Office 365 connector MessageCard, for `*.webhook.office.com` addresses (as Flux decides). */
export function msTeamsConnectorPayload(event: FluxEvent): unknown {
  const name = objectDisplayName(event);
  return {
    '@type': 'MessageCard',
    '@context': 'http://schema.org/extensions',
    themeColor: event.severity === 'error' ? 'FF0000' : '0076D7',
    summary: name,
    sections: [{ activityTitle: event.message, activitySubtitle: name, facts: facts(event).map(({ title, value }) => ({ name: title, value })) }],
  };
}

/** Microsoft Teams (Flux's `msteams`): an Adaptive Card, or a MessageCard for the deprecated connectors. */
export class MsTeamsProvider implements NotificationSender {
  private readonly connector: boolean;

  constructor(
    private readonly http: HttpTransport,
    private readonly address: string,
  ) {
    this.connector = new URL(address).hostname.endsWith('.webhook.office.com');
  }

  async send(event: FluxEvent): Promise<SendResult> {
    const body = JSON.stringify(this.connector ? msTeamsConnectorPayload(event) : msTeamsPayload(event));
    const response = await sendOrFail(this.http, { method: 'POST', url: this.address, headers: jsonHeaders(), body }, 'msteams');
    return { statusCode: response.status };
  }
}

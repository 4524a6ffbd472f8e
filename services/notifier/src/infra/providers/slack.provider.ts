import type { NotificationSender, SendResult } from '../../app/ports';
import { DeliveryError } from '../../app/ports';
import type { FluxEvent } from '../../domain/flux-event';
import { failure, jsonHeaders, sendOrFail, type HttpTransport } from './http-transport';

/** Slack's Web API method Flux posts to when the Provider has a bot token instead of a webhook. */
export const SLACK_POST_MESSAGE_URL = 'https://slack.com/api/chat.postMessage';

/** One field of a Slack attachment. */
export interface SlackField {
  title: string;
  value: string;
  short: boolean;
}

/** Flux's `SlackPayload`, also what Discord's Slack-compatible endpoint takes. */
export interface SlackPayload {
  channel: string;
  username: string;
  icon_url: string;
  icon_emoji: string;
  attachments: {
    color: string;
    author_name: string;
    text: string;
    mrkdwn_in: string[];
    fields: SlackField[];
  }[];
}

/** Flux's author line: `kind/name.namespace`, kind lower-cased. */
export function objectDisplayName(event: FluxEvent): string {
  const { kind, name, namespace } = event.involvedObject;
  return `${kind.toLowerCase()}/${name}.${namespace}`;
}

/** The Slack message Flux builds: one attachment, good/danger colour, metadata (sorted) as fields. */
export function slackPayload(event: FluxEvent, options: { channel?: string | undefined; username?: string | undefined }): SlackPayload {
  const fields = Object.entries(event.metadata ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([title, value]) => ({ title, value, short: false }));
  return {
    channel: options.channel ?? '',
    username: options.username || event.reportingController,
    icon_url: '',
    icon_emoji: '',
    attachments: [
      {
        color: event.severity === 'error' ? 'danger' : 'good',
        author_name: objectDisplayName(event),
        text: event.message,
        mrkdwn_in: ['text'],
        fields,
      },
    ],
  };
}

/** Slack: an incoming webhook, or chat.postMessage with a bot token (Authorization: Bearer). */
export class SlackProvider implements NotificationSender {
  private readonly url: string;

  constructor(
    private readonly http: HttpTransport,
    private readonly options: { address?: string | undefined; token?: string | undefined; channel?: string | undefined; username?: string | undefined },
  ) {
    const url = options.address || (options.token ? SLACK_POST_MESSAGE_URL : undefined);
    if (!url) throw new Error('slack needs an address (webhook URL) or a token in the secret');
    if (options.token && !options.channel) throw new Error('slack with a bot token needs spec.channel');
    this.url = url;
  }

  async send(event: FluxEvent): Promise<SendResult> {
    const headers = jsonHeaders(this.options.token ? { Authorization: `Bearer ${this.options.token}` } : {});
    const request = { method: 'POST' as const, url: this.url, headers, body: JSON.stringify(slackPayload(event, this.options)) };
    const response = await sendOrFail(this.http, request, 'slack');
    // The Web API answers 200 even on failure; the verdict is in `ok` (webhooks use status codes instead).
    if (this.url === SLACK_POST_MESSAGE_URL) {
      let answer: { ok?: boolean; error?: string } = {};
      try {
        answer = JSON.parse(response.body) as typeof answer;
      } catch {
        throw failure('slack', 'POST', response);
      }
      if (answer.ok === false) throw new DeliveryError(`slack: chat.postMessage failed: ${answer.error ?? 'unknown error'}`, response.status, false);
    }
    return { statusCode: response.status };
  }
}

/** Discord: Slack's payload to the webhook's Slack-compatible `/slack` endpoint, as Flux does. */
export class DiscordProvider implements NotificationSender {
  private readonly url: string;

  constructor(
    private readonly http: HttpTransport,
    private readonly options: { address: string; channel?: string | undefined; username?: string | undefined },
  ) {
    const url = new URL(options.address);
    if (!url.pathname.endsWith('/slack')) url.pathname = `${url.pathname.replace(/\/$/, '')}/slack`;
    this.url = url.toString();
  }

  async send(event: FluxEvent): Promise<SendResult> {
    const body = JSON.stringify(slackPayload(event, this.options));
    const response = await sendOrFail(this.http, { method: 'POST', url: this.url, headers: jsonHeaders(), body }, 'discord');
    return { statusCode: response.status };
  }
}

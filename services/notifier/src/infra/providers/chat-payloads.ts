import type { FluxEvent } from '../../domain/flux-event';
import { severityEmoji, sortedMetadata } from './event-text';
import { objectDisplayName, slackPayload, type SlackPayload } from './slack.provider';

type GoogleChatWidget =
  | { textParagraph: { text: string }; keyValue: null }
  | { textParagraph: null; keyValue: { topLabel: string; content: string; contentMultiline: boolean; bottomLabel: null; icon: null } };

/** Flux's Google Chat card: the object and controller as header, the message (red for errors), metadata as key-values. */
export function googleChatPayload(event: FluxEvent): unknown {
  const text = event.severity === 'error' ? `<font color="#ff0000">${event.message}</font>` : event.message;
  const sections: { header: string; widgets: GoogleChatWidget[] }[] = [{ header: '', widgets: [{ textParagraph: { text }, keyValue: null }] }];
  const metadata = sortedMetadata(event);
  if (metadata.length > 0) {
    sections.push({
      header: '',
      widgets: metadata.map(([topLabel, content]) => ({ textParagraph: null, keyValue: { topLabel, content, contentMultiline: false, bottomLabel: null, icon: null } })),
    });
  }
  return { cards: [{ header: { title: objectDisplayName(event), subtitle: event.reportingController, imageUrl: null, imageStyle: null }, sections }] };
}

/** Rocket.Chat takes Slack's payload; Flux colours it #0076D7/#FF0000 and leaves the username as configured. */
export function rocketPayload(event: FluxEvent, options: { channel?: string | undefined; username?: string | undefined }): SlackPayload {
  const slack = slackPayload(event, options);
  const color = event.severity === 'error' ? '#FF0000' : '#0076D7';
  return { ...slack, username: options.username ?? '', attachments: slack.attachments.map((attachment) => ({ ...attachment, color })) };
}

/** Flux's Webex message: markdown with the object in bold, the message, and metadata as quoted lines. */
export function webexPayload(event: FluxEvent, roomId: string | undefined): unknown {
  const emoji = event.severity === 'error' ? '💣' : '✅';
  const lines = [`${emoji} **${objectDisplayName(event)}**`, event.message, ...sortedMetadata(event).map(([key, value]) => `>**${key}**: ${value}`)];
  return { ...(roomId ? { roomId } : {}), markdown: `${lines.join('\n')}\n` };
}

/** Flux's Lark interactive card: coloured header with the object, the message in bold, then metadata lines. */
export function larkPayload(event: FluxEvent): unknown {
  const content = `**${event.message}**\n\n${sortedMetadata(event)
    .map(([key, value]) => `${key}: ${value}\n`)
    .join('')}`;
  return {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: { title: { tag: 'plain_text', content: `${severityEmoji(event)} ${objectDisplayName(event)}` }, template: event.severity === 'error' ? 'red' : 'turquoise' },
      elements: [{ tag: 'div', text: { tag: 'lark_md', content } }],
    },
  };
}

/** Flux's Matrix `m.text` message: heading, message, then `- key: value` lines. */
export function matrixPayload(event: FluxEvent): unknown {
  const metadata = sortedMetadata(event)
    .map(([key, value]) => `- ${key}: ${value}\n`)
    .join('');
  return { body: `${severityEmoji(event)} ${objectDisplayName(event)}\n${event.message}\n${metadata}`, msgtype: 'm.text' };
}

// Telegram's MarkdownV2 wants these escaped wherever they appear in text.
const escapeMarkdownV2 = (text: string) => text.replace(/[\\.\-_[\]()~>`#+=|{}!*]/g, '\\$&');

/** Flux's Telegram sendMessage (MarkdownV2); a channel `chat:thread` posts to a forum topic. */
export function telegramPayload(event: FluxEvent, channel: string): unknown {
  const { kind, name, namespace } = event.involvedObject;
  const heading = `${severityEmoji(event)} ${kind.toLowerCase()}/${name}/${namespace}`;
  const metadata = sortedMetadata(event)
    .map(([key, value]) => `\\- *${escapeMarkdownV2(key)}*: ${escapeMarkdownV2(value)}\n`)
    .join('');
  const [chatId, ...thread] = channel.split(':');
  return {
    chat_id: chatId,
    ...(thread.length > 0 ? { message_thread_id: thread.join(':') } : {}),
    text: `*${escapeMarkdownV2(heading)}*\n${escapeMarkdownV2(event.message)}\n${metadata}`,
    parse_mode: 'MarkdownV2',
  };
}

import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { Provider } from '@ferry/contracts';
import type { NotificationSender } from '../../app/ports';
import type { FluxEvent } from '../../domain/flux-event';
import { AlertmanagerProvider } from './alertmanager.provider';
import { BitbucketProvider } from './bitbucket.provider';
import { googleChatPayload, larkPayload, matrixPayload, rocketPayload, telegramPayload, webexPayload } from './chat-payloads';
import { fluxEventJson, GenericProvider } from './generic.provider';
import { GiteaProvider } from './gitea.provider';
import { GitHubProvider } from './github.provider';
import { GitLabProvider } from './gitlab.provider';
import { basicAuthorization, type HttpTransport } from './http-transport';
import { grafanaPayload, opsgeniePayload } from './incident-payloads';
import { JsonWebhookProvider } from './json-webhook.provider';
import { MsTeamsProvider } from './msteams.provider';
import { PagerDutyProvider } from './pagerduty.provider';
import { DiscordProvider, SlackProvider } from './slack.provider';

/** A Provider that cannot be built; the message names the field or secret key (never its value). */
export class ProviderConfigError extends Error {
  override readonly name = 'ProviderConfigError';
}

/** Provider types Ferry can send to. */
export const SUPPORTED_PROVIDER_TYPES = [
  'slack',
  'discord',
  'msteams',
  'rocket',
  'googlechat',
  'webex',
  'lark',
  'matrix',
  'telegram',
  'generic',
  'generic-hmac',
  'github',
  'gitlab',
  'gitea',
  'bitbucket',
  'alertmanager',
  'opsgenie',
  'pagerduty',
  'grafana',
] as const;

/** Telegram's Bot API, used when a telegram Provider has no address (a local Bot API server may be given instead). */
export const TELEGRAM_API = 'https://api.telegram.org';

function validAddress(address: string | undefined, field: string): string | undefined {
  if (address === undefined || address === '') return undefined;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new ProviderConfigError(`${field} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ProviderConfigError(`${field} must be an http(s) URL, got scheme "${url.protocol}"`);
  return address;
}

function parseHeaders(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ProviderConfigError(`secret key "headers" is not YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ProviderConfigError('secret key "headers" must be a map of header names to values');
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([key, value]) => [key, String(value)]));
}

/**
 * Builds the sender for a Provider from its spec and its secret's decoded data (keys `address`, `token`,
 * `username`, `password`, `headers`). The secret's address wins over `spec.address`, as in Flux.
 */
export function createSender(provider: Provider, secret: Record<string, string> | undefined, http: HttpTransport): NotificationSender {
  const { spec } = provider;
  const fromSecret = secret?.['address'] !== undefined;
  const address = validAddress(secret?.['address'] ?? spec.address, fromSecret ? 'secret key "address"' : 'spec.address');
  const token = secret?.['token'];
  const basicAuth = secret?.['username'] !== undefined && secret['password'] !== undefined ? { username: secret['username'], password: secret['password'] } : undefined;
  const need = (what: string): string => {
    if (!address) throw new ProviderConfigError(`${what} needs an address: set spec.address or the secret key "address"`);
    return address;
  };
  try {
    switch (spec.type) {
      case 'slack':
        return new SlackProvider(http, { address, token, channel: spec.channel, username: spec.username });
      case 'discord':
        return new DiscordProvider(http, { address: need('discord'), channel: spec.channel, username: spec.username });
      case 'msteams':
        return new MsTeamsProvider(http, need('msteams'));
      case 'generic':
        return new GenericProvider(http, { address: need('generic'), headers: parseHeaders(secret?.['headers']), basicAuth });
      case 'generic-hmac':
        if (!token) throw new ProviderConfigError('generic-hmac needs a token in the secret (key "token") to sign with');
        return new GenericProvider(http, { address: need('generic-hmac'), headers: parseHeaders(secret?.['headers']), hmacKey: token, basicAuth });
      case 'github':
        return new GitHubProvider(http, { address: need('github'), token, providerUid: provider.metadata.uid ?? '' });
      case 'gitlab':
        return new GitLabProvider(http, { address: need('gitlab'), token, providerUid: provider.metadata.uid ?? '' });
      case 'alertmanager':
        return new AlertmanagerProvider(http, { address: need('alertmanager'), basicAuth, token });
      case 'rocket':
        return new JsonWebhookProvider(http, 'rocket', { url: need('rocket') }, (event) => rocketPayload(event, { channel: spec.channel, username: spec.username }));
      case 'googlechat':
        return new JsonWebhookProvider(http, 'googlechat', { url: need('googlechat') }, googleChatPayload);
      case 'webex':
        if (!token) throw new ProviderConfigError('webex needs a bot token in the secret (key "token")');
        if (!spec.channel) throw new ProviderConfigError('webex needs spec.channel (the room ID)');
        return new JsonWebhookProvider(http, 'webex', { url: need('webex'), headers: { Authorization: `Bearer ${token}` } }, (event) => webexPayload(event, spec.channel));
      case 'lark':
        return new JsonWebhookProvider(http, 'lark', { url: need('lark') }, larkPayload);
      case 'matrix': {
        if (!token) throw new ProviderConfigError('matrix needs an access token in the secret (key "token")');
        const room = spec.channel;
        if (!room) throw new ProviderConfigError('matrix needs spec.channel (the room ID)');
        const homeserver = need('matrix').replace(/\/+$/, '');
        // The transaction id is the SHA-1 of the event, as Flux makes it: a resend is deduplicated by the homeserver.
        const url = (event: FluxEvent) => `${homeserver}/_matrix/client/r0/rooms/${room}/send/m.room.message/${createHash('sha1').update(fluxEventJson(event)).digest('hex')}`;
        return new JsonWebhookProvider(http, 'matrix', { url, method: 'PUT', headers: { Authorization: `Bearer ${token}` } }, matrixPayload);
      }
      case 'telegram': {
        if (!token) throw new ProviderConfigError('telegram needs the bot token in the secret (key "token")');
        const chat = spec.channel;
        if (!chat) throw new ProviderConfigError('telegram needs spec.channel (the chat ID, or chat:thread)');
        const api = (address ?? TELEGRAM_API).replace(/\/+$/, '');
        return new JsonWebhookProvider(http, 'telegram', { url: `${api}/bot${token}/sendMessage` }, (event) => telegramPayload(event, chat));
      }
      case 'opsgenie':
        if (!token) throw new ProviderConfigError('opsgenie needs the API key in the secret (key "token")');
        return new JsonWebhookProvider(http, 'opsgenie', { url: need('opsgenie'), headers: { Authorization: `GenieKey ${token}` } }, opsgeniePayload);
      case 'pagerduty':
        if (!spec.channel) throw new ProviderConfigError('pagerduty needs spec.channel (the integration routing key)');
        return new PagerDutyProvider(http, need('pagerduty'), spec.channel);
      case 'grafana': {
        // Flux: a token wins; username and password only without one.
        const authorization = token ? `Bearer ${token}` : basicAuth ? basicAuthorization(basicAuth.username, basicAuth.password) : undefined;
        return new JsonWebhookProvider(http, 'grafana', { url: need('grafana'), headers: authorization ? { Authorization: authorization } : {} }, grafanaPayload);
      }
      case 'gitea':
        return new GiteaProvider(http, { address: need('gitea'), token, providerUid: provider.metadata.uid ?? '' });
      case 'bitbucket':
        return new BitbucketProvider(http, { address: need('bitbucket'), token, providerUid: provider.metadata.uid ?? '' });
      default:
        throw new ProviderConfigError(`provider type "${spec.type}" is not supported by Ferry (supported: ${SUPPORTED_PROVIDER_TYPES.join(', ')})`);
    }
  } catch (error) {
    if (error instanceof ProviderConfigError) throw error;
    throw new ProviderConfigError(error instanceof Error ? error.message : String(error));
  }
}

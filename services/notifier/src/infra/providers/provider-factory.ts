import { parse as parseYaml } from 'yaml';
import type { Provider } from '@ferry/contracts';
import type { NotificationSender } from '../../app/ports';
import { AlertmanagerProvider } from './alertmanager.provider';
import { GenericProvider } from './generic.provider';
import { GitHubProvider } from './github.provider';
import { GitLabProvider } from './gitlab.provider';
import type { HttpTransport } from './http-transport';
import { MsTeamsProvider } from './msteams.provider';
import { DiscordProvider, SlackProvider } from './slack.provider';

/** A Provider that cannot be built; the message names the field or secret key (never its value). */
export class ProviderConfigError extends Error {
  override readonly name = 'ProviderConfigError';
}

/** Provider types Ferry can send to. */
export const SUPPORTED_PROVIDER_TYPES = ['slack', 'discord', 'msteams', 'generic', 'generic-hmac', 'github', 'gitlab', 'alertmanager'] as const;

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
      default:
        throw new ProviderConfigError(`provider type "${spec.type}" is not supported by Ferry (supported: ${SUPPORTED_PROVIDER_TYPES.join(', ')})`);
    }
  } catch (error) {
    if (error instanceof ProviderConfigError) throw error;
    throw new ProviderConfigError(error instanceof Error ? error.message : String(error));
  }
}

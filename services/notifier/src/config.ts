import { parsePlatformConfig, type PlatformConfig } from '@ferry/platform';

/** Configuration of the notifier service, parsed once at start. */
export interface NotifierConfig {
  platform: PlatformConfig;
}

/** The notifier service's well-known HTTP port (health, readiness, metrics). */
export const NOTIFIER_DEFAULT_PORT = 9792;

/** Parses the environment; throws a ConfigError naming each bad variable. */
export function loadNotifierConfig(env: NodeJS.ProcessEnv = process.env): NotifierConfig {
  return { platform: parsePlatformConfig('notifier', NOTIFIER_DEFAULT_PORT, env) };
}

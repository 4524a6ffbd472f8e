import { parsePlatformConfig, type PlatformConfig } from '@ferry/platform';

/** Configuration of the source service, parsed once at start. */
export interface SourceConfig {
  platform: PlatformConfig;
}

/** The source service's well-known HTTP port (health, readiness, metrics). */
export const SOURCE_DEFAULT_PORT = 9790;

/** Parses the environment; throws a ConfigError naming each bad variable. */
export function loadSourceConfig(env: NodeJS.ProcessEnv = process.env): SourceConfig {
  return { platform: parsePlatformConfig('source', SOURCE_DEFAULT_PORT, env) };
}

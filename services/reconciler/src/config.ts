import { parsePlatformConfig, type PlatformConfig } from '@ferry/platform';

/** Configuration of the reconciler service, parsed once at start. */
export interface ReconcilerConfig {
  platform: PlatformConfig;
}

/** The reconciler service's well-known HTTP port (health, readiness, metrics). */
export const RECONCILER_DEFAULT_PORT = 9791;

/** Parses the environment; throws a ConfigError naming each bad variable. */
export function loadReconcilerConfig(env: NodeJS.ProcessEnv = process.env): ReconcilerConfig {
  return { platform: parsePlatformConfig('reconciler', RECONCILER_DEFAULT_PORT, env) };
}

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { RECONCILER_FIELD_MANAGER } from '@ferry/contracts';
import { ConfigError, parsePlatformConfig, type PlatformConfig } from '@ferry/platform';

/** Configuration of the reconciler service, parsed once at start. */
export interface ReconcilerConfig {
  platform: PlatformConfig;
  /** kubeconfig text; undefined means in-cluster or the default kubeconfig. */
  kubeconfig: string | undefined;
  workers: number;
  fieldManager: string;
  artifact: { maxBytes: number; maxEntries: number; timeoutMs: number };
  /** Per-Kustomization Leases between replicas: who this replica is, how long a silent holder keeps one. */
  lease: { identity: string; durationSeconds: number };
}

/** The reconciler's well-known HTTP port (health, readiness, metrics). */
export const RECONCILER_DEFAULT_PORT = 9791;

const envSchema = z.object({
  KUBECONFIG: z.string().optional(),
  RECONCILER_WORKERS: z.coerce.number().int().min(1).max(64).default(4),
  ARTIFACT_MAX_BYTES: z.coerce.number().int().positive().default(512 * 1024 * 1024),
  ARTIFACT_MAX_FILES: z.coerce.number().int().positive().default(100_000),
  ARTIFACT_FETCH_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  RECONCILER_LEASE_SECONDS: z.coerce.number().int().min(5).default(35),
  POD_NAME: z.string().optional(),
});

/** Parses the environment; throws a ConfigError naming each bad variable. */
export function loadReconcilerConfig(env: NodeJS.ProcessEnv = process.env): ReconcilerConfig {
  const platform = parsePlatformConfig('reconciler', RECONCILER_DEFAULT_PORT, env);
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(`reconciler: invalid configuration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = result.data;
  let kubeconfig: string | undefined;
  if (e.KUBECONFIG) {
    try {
      kubeconfig = readFileSync(e.KUBECONFIG.split(':')[0] ?? e.KUBECONFIG, 'utf8');
    } catch (error) {
      throw new ConfigError(`reconciler: KUBECONFIG: cannot read ${e.KUBECONFIG}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return {
    platform,
    kubeconfig,
    workers: e.RECONCILER_WORKERS,
    fieldManager: RECONCILER_FIELD_MANAGER,
    artifact: { maxBytes: e.ARTIFACT_MAX_BYTES, maxEntries: e.ARTIFACT_MAX_FILES, timeoutMs: e.ARTIFACT_FETCH_TIMEOUT_MS },
    // Unique even for two replicas in one process or pod name reused after a restart.
    lease: { identity: `${e.POD_NAME ?? hostname()}-${randomBytes(4).toString('hex')}`, durationSeconds: e.RECONCILER_LEASE_SECONDS },
  };
}

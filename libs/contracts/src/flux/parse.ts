import { z } from 'zod';

/** Thrown when a Flux object does not match its API; the message names the object and the field. */
export class InvalidObjectError extends Error {
  override readonly name = 'InvalidObjectError';
  constructor(
    message: string,
    readonly fields: string[],
  ) {
    super(message);
  }
}

/**
 * Validates a Kubernetes object against a Flux API schema and applies the documented defaults.
 * The error reads like the API server's: `GitRepository flux-system/podinfo: spec.interval: …`.
 */
export function parseFluxObject<S extends z.ZodType>(schema: S, object: unknown): z.infer<S> {
  const result = schema.safeParse(object);
  if (result.success) return result.data;
  const meta = (object as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null) ?? {};
  const kind = typeof meta.kind === 'string' ? meta.kind : 'object';
  const id = [meta.metadata?.namespace, meta.metadata?.name].filter((p) => typeof p === 'string').join('/');
  const fields = result.error.issues.map((issue) => issue.path.join('.') || '(root)');
  const detail = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  throw new InvalidObjectError(`${kind} ${id || '(unnamed)'}: ${detail}`, fields);
}

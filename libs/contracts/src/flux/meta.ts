import { z } from 'zod';

/** Go's `time.Duration` string form as Flux CRDs accept it: `30s`, `1m30s`, `1h`, `500ms`. */
export const durationSchema = z
  .string()
  .regex(/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/, 'must be a duration such as "30s", "5m" or "1h30m"');

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Converts a Go duration string (`1m30s`) to milliseconds; throws on anything else. */
export function parseDuration(text: string): number {
  if (!durationSchema.safeParse(text).success) throw new Error(`invalid duration "${text}"`);
  let total = 0;
  for (const [, amount, , unit] of text.matchAll(/([0-9]+(\.[0-9]+)?)(ms|s|m|h)/g)) {
    total += Number(amount) * (unitMs[unit as string] as number);
  }
  return total;
}

/** Formats milliseconds as Go's `time.Duration.String()` does: `1m30s`, `2h0m0s`, `730ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = Number(((ms % 60_000) / 1000).toFixed(3));
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** The part of Kubernetes ObjectMeta Ferry reads. */
export const objectMetaSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().int().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  finalizers: z.array(z.string()).optional(),
  deletionTimestamp: z.string().optional(),
  creationTimestamp: z.string().optional(),
});

/** A `metav1.Condition`, as every Flux object reports it in `status.conditions`. */
export const conditionSchema = z.object({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  observedGeneration: z.number().int().optional(),
  lastTransitionTime: z.string(),
  reason: z.string(),
  message: z.string(),
});

/** A `metav1.Condition`. */
export type Condition = z.infer<typeof conditionSchema>;

/** `{name}` reference to an object in the same namespace. */
export const localObjectReferenceSchema = z.object({ name: z.string().min(1) });

/** `{name, namespace?}` reference to an object, defaulting to the referrer's namespace. */
export const namespacedObjectReferenceSchema = z.object({
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
});

/** Reference to a key of a Secret (kubeConfig uses it). */
export const secretKeyReferenceSchema = z.object({ name: z.string().min(1), key: z.string().optional() });

/** Status fields every Flux object shares. */
export const reconcileStatusFields = {
  observedGeneration: z.number().int().optional(),
  conditions: z.array(conditionSchema).optional(),
  lastHandledReconcileAt: z.string().optional(),
};

/** The annotation `flux reconcile` sets to ask for an immediate reconcile. */
export const RECONCILE_REQUESTED_AT_ANNOTATION = 'reconcile.fluxcd.io/requestedAt';

/** The field manager the reconciler applies with (Ferry's name for kustomize-controller's); `ferry diff` dry-runs as it. */
export const RECONCILER_FIELD_MANAGER = 'ferry-reconciler';

/** A source artifact as written in a source object's `status.artifact`. */
export const artifactSchema = z.object({
  path: z.string(),
  url: z.string(),
  revision: z.string(),
  digest: z.string().optional(),
  lastUpdateTime: z.string(),
  size: z.number().int().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});

/** A source artifact. */
export type Artifact = z.infer<typeof artifactSchema>;

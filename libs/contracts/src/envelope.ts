import { z } from 'zod';

/** Fields every Ferry event carries, whatever its type (STYLE.md: "Events and the store"). */
export const envelopeFields = {
  id: z.uuid(),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
};

/** The envelope alone, used to route a message before its payload is validated. */
export const envelopeSchema = z.looseObject(envelopeFields);

/** An envelope whose payload has not been validated yet. */
export type RawEnvelope = z.infer<typeof envelopeSchema>;

/** A reference to the Kubernetes object an event is about. */
export const objectRefSchema = z.object({
  apiVersion: z.string().min(1).optional(),
  kind: z.string().min(1),
  namespace: z.string().min(1),
  name: z.string().min(1),
});

/** A reference to the Kubernetes object an event is about. */
export type ObjectRef = z.infer<typeof objectRefSchema>;

/** Flux's revision format for Git: `<branch or tag>@sha1:<40 hex>` or `sha1:<40 hex>` for a bare commit. */
export const gitRevisionSchema = z
  .string()
  .regex(/^(?:[^@\s]+@)?sha1:[0-9a-f]{40}$/, 'revision must look like "main@sha1:<40 hex digits>"');

/** Any revision Ferry reports: Git (`main@sha1:…`), chart version (`6.5.0`) or OCI digest. */
export const revisionSchema = z.string().min(1);

/** An artifact digest in Flux's `<algorithm>:<hex>` format; Ferry always uses sha256. */
export const digestSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'digest must look like "sha256:<64 hex digits>"');

/** Formats an object reference the way Flux writes it in messages: `Kind/namespace/name`. */
export function formatObjectRef(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

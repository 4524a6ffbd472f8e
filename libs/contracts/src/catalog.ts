import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { envelopeSchema, type RawEnvelope } from './envelope';
import { appliedV1Schema } from './events/applied.v1';
import { artifactReadyV1Schema } from './events/artifact-ready.v1';
import { failedV1Schema } from './events/failed.v1';
import { reconcileFinishedV1Schema } from './events/reconcile-finished.v1';
import { reconcileRequestedV1Schema } from './events/reconcile-requested.v1';
import { notificationAttemptedV1Schema } from './events/notification-attempted.v1';

/** The JetStream stream that carries every Ferry event. */
export const EVENTS_STREAM = 'FERRY_EVENTS';

/** Subject prefix of all Ferry events; the stream captures `ferry.events.>`. */
export const EVENTS_SUBJECT_PREFIX = 'ferry.events';

/** `ArtifactReady`, 1 → `ferry.events.artifact-ready.v1`: the major version is part of the subject. */
export function subjectFor(type: string, schemaVersion: number, prefix = EVENTS_SUBJECT_PREFIX): string {
  const kebab = type.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return `${prefix}.${kebab}.v${schemaVersion}`;
}

/** An event schema: an envelope whose `type` and `schemaVersion` are literals. */
export type EventSchema = z.ZodObject<{ type: z.ZodLiteral<string>; schemaVersion: z.ZodLiteral<number> } & z.ZodRawShape>;

/** Turns a stored event of one schema version into the next version's shape. */
export type Upcaster = (event: RawEnvelope) => RawEnvelope;

/** Thrown when a message is not a valid Ferry event; the message names the event, the field and the rule. */
export class EventDecodeError extends Error {
  override readonly name = 'EventDecodeError';
  constructor(
    message: string,
    readonly eventId: string | undefined,
    readonly eventType: string | undefined,
  ) {
    super(message);
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `field "${issue.path.join('.') || '(root)'}": ${issue.message}`).join('; ');
}

/**
 * The registry of event types and versions. Decoding validates at runtime and upcasts older stored
 * versions to the newest registered one, so readers only ever see current shapes.
 */
export class EventCatalog {
  private readonly schemas = new Map<string, EventSchema>();
  private readonly upcasters = new Map<string, Upcaster>();

  /** Registers an event schema under its type and version. */
  register(schema: EventSchema): this {
    const key = this.key(schema.shape.type.value, schema.shape.schemaVersion.value);
    if (this.schemas.has(key)) throw new Error(`event ${key} is registered twice`);
    this.schemas.set(key, schema);
    return this;
  }

  /** Registers how to turn `type` at `fromVersion` into `fromVersion + 1`. */
  upcast(type: string, fromVersion: number, upcaster: Upcaster): this {
    this.upcasters.set(this.key(type, fromVersion), upcaster);
    return this;
  }

  /** The newest registered version of a type. */
  latestVersion(type: string): number | undefined {
    let latest: number | undefined;
    for (const schema of this.schemas.values()) {
      if (schema.shape.type.value === type) latest = Math.max(latest ?? 0, schema.shape.schemaVersion.value);
    }
    return latest;
  }

  /** Every registered schema. */
  entries(): EventSchema[] {
    return [...this.schemas.values()];
  }

  /** Validates an event exactly as given (no upcasting): for what a producer is about to publish. */
  validate<T extends RawEnvelope>(event: T): T {
    const schema = this.schemas.get(this.key(event.type, event.schemaVersion));
    if (!schema) {
      throw new EventDecodeError(`unknown event ${event.type} v${event.schemaVersion}`, event.id, event.type);
    }
    const result = schema.safeParse(event);
    if (!result.success) {
      throw new EventDecodeError(
        `invalid ${event.type} v${event.schemaVersion} event ${event.id}: ${describeIssues(result.error)}`,
        event.id,
        event.type,
      );
    }
    return result.data as T;
  }

  /** Decodes untrusted input (a NATS payload, a stored row) into the newest version of its type. */
  decode(input: unknown): RawEnvelope {
    const envelope = envelopeSchema.safeParse(input);
    if (!envelope.success) {
      const id = typeof input === 'object' && input !== null ? (input as { id?: unknown }).id : undefined;
      throw new EventDecodeError(
        `not a Ferry event envelope: ${describeIssues(envelope.error)}`,
        typeof id === 'string' ? id : undefined,
        undefined,
      );
    }
    let event = envelope.data;
    const latest = this.latestVersion(event.type);
    if (latest === undefined) throw new EventDecodeError(`unknown event type ${event.type}`, event.id, event.type);
    while (event.schemaVersion < latest) {
      const upcaster = this.upcasters.get(this.key(event.type, event.schemaVersion));
      if (!upcaster) {
        throw new EventDecodeError(
          `no upcaster from ${event.type} v${event.schemaVersion} to v${event.schemaVersion + 1} (event ${event.id})`,
          event.id,
          event.type,
        );
      }
      event = { ...upcaster(event), schemaVersion: event.schemaVersion + 1 };
    }
    return this.validate(event);
  }

  /** JSON Schema (draft 2020-12) of every registered event, keyed `Type.vN`. */
  jsonSchemas(): Record<string, unknown> {
    return Object.fromEntries(
      this.entries().map((schema) => [
        `${schema.shape.type.value}.v${schema.shape.schemaVersion.value}`,
        z.toJSONSchema(schema, { io: 'input' }),
      ]),
    );
  }

  private key(type: string, version: number): string {
    return `${type}@v${version}`;
  }
}

/** Every event Ferry publishes, at its current versions. */
export const ferryEvents = new EventCatalog()
  .register(artifactReadyV1Schema)
  .register(appliedV1Schema)
  .register(failedV1Schema)
  .register(reconcileRequestedV1Schema)
  .register(reconcileFinishedV1Schema)
  .register(notificationAttemptedV1Schema);

/** Any current Ferry event. */
export type FerryEvent =
  | z.infer<typeof artifactReadyV1Schema>
  | z.infer<typeof appliedV1Schema>
  | z.infer<typeof failedV1Schema>
  | z.infer<typeof reconcileRequestedV1Schema>
  | z.infer<typeof reconcileFinishedV1Schema>
  | z.infer<typeof notificationAttemptedV1Schema>;

/** Where an event comes from in a chain: the event (or request) that caused it. */
export interface EventCause {
  correlationId: string;
  causationId: string | null;
}

/** Payload of an event: everything but the envelope fields, which `newEvent` fills in. */
export type EventPayload<E extends FerryEvent> = Omit<E, 'id' | 'occurredAt' | 'correlationId' | 'causationId'>;

/**
 * Creates a validated event with a fresh id. Without a cause, the event starts a new correlation
 * (its own id); with one, it continues that chain.
 */
export function newEvent<E extends FerryEvent>(payload: EventPayload<E>, cause?: EventCause, now = new Date()): E {
  const id = randomUUID();
  const event = {
    ...payload,
    id,
    occurredAt: now.toISOString(),
    correlationId: cause?.correlationId ?? id,
    causationId: cause?.causationId ?? null,
  } as E;
  return ferryEvents.validate(event);
}

/** The cause to give an event produced in reaction to `event`. */
export function causedBy(event: RawEnvelope): EventCause {
  return { correlationId: event.correlationId, causationId: event.id };
}

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { envelopeFields } from './envelope';
import {
  EventCatalog,
  EventDecodeError,
  causedBy,
  ferryEvents,
  newEvent,
  subjectFor,
  type EventPayload,
} from './catalog';
import type { ArtifactReadyV1 } from './events/artifact-ready.v1';
import type { FailedV1 } from './events/failed.v1';

const sha = 'a'.repeat(40);
const digest = `sha256:${'b'.repeat(64)}`;

const artifactReady = (): EventPayload<ArtifactReadyV1> => ({
  type: 'ArtifactReady',
  schemaVersion: 1,
  source: { kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' },
  revision: `main@sha1:${sha}`,
  digest,
  url: 'http://source.flux-system.svc/gitrepository/flux-system/podinfo/x.tar.gz',
  size: 1234,
});

describe('subjects', () => {
  it('carry the type in kebab case and the major version', () => {
    expect(subjectFor('ArtifactReady', 1)).toBe('ferry.events.artifact-ready.v1');
    expect(subjectFor('ReconcileRequested', 2)).toBe('ferry.events.reconcile-requested.v2');
  });
});

describe('newEvent', () => {
  it('fills the envelope and starts a correlation with its own id', () => {
    const event = newEvent<ArtifactReadyV1>(artifactReady(), undefined, new Date('2026-01-02T03:04:05Z'));
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.correlationId).toBe(event.id);
    expect(event.causationId).toBeNull();
    expect(event.occurredAt).toBe('2026-01-02T03:04:05.000Z');
  });

  it('continues the chain of the event that caused it', () => {
    const cause = newEvent<ArtifactReadyV1>(artifactReady());
    const failed = newEvent<FailedV1>(
      {
        type: 'Failed',
        schemaVersion: 1,
        object: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
        revision: cause.revision,
        reason: 'BuildFailed',
        message: 'kustomization.yaml: field "resources": file not found',
        stage: 'build',
        terminal: false,
      },
      causedBy(cause),
    );
    expect(failed.correlationId).toBe(cause.correlationId);
    expect(failed.causationId).toBe(cause.id);
  });

  it('refuses a payload that breaks the schema, naming the field', () => {
    expect(() => newEvent<ArtifactReadyV1>({ ...artifactReady(), digest: 'md5:abc' })).toThrow(
      /field "digest": digest must look like "sha256:<64 hex digits>"/,
    );
  });
});

describe('decode', () => {
  it('round-trips an event through JSON', () => {
    const event = newEvent<ArtifactReadyV1>(artifactReady());
    expect(ferryEvents.decode(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('rejects something that is not an envelope', () => {
    expect(() => ferryEvents.decode({ hello: 'world' })).toThrow(EventDecodeError);
    expect(() => ferryEvents.decode('nope')).toThrow(/not a Ferry event envelope/);
  });

  it('rejects an unknown type and a bad payload with the event id in the message', () => {
    const event = newEvent<ArtifactReadyV1>(artifactReady());
    expect(() => ferryEvents.decode({ ...event, type: 'Exploded' })).toThrow(/unknown event type Exploded/);
    const bad = { ...event, revision: '' };
    expect(() => ferryEvents.decode(bad)).toThrow(new RegExp(`event ${event.id}: field "revision"`));
  });

  it('keeps fields it does not know (tolerant reader) only where the schema allows', () => {
    const event = newEvent<ArtifactReadyV1>(artifactReady());
    const decoded = ferryEvents.decode({ ...event, addedLater: true });
    expect(decoded).toEqual(event);
  });
});

describe('upcasters', () => {
  // A v2 that split `name` into `owner` and `repo`: stored v1 events must read as v2.
  const v1 = z.object({ ...envelopeFields, type: z.literal('Demo'), schemaVersion: z.literal(1), name: z.string() });
  const v2 = z.object({
    ...envelopeFields,
    type: z.literal('Demo'),
    schemaVersion: z.literal(2),
    owner: z.string(),
    repo: z.string(),
  });
  const catalog = new EventCatalog()
    .register(v1)
    .register(v2)
    .upcast('Demo', 1, (event) => {
      const { name, ...rest } = event as typeof event & { name: string };
      const [owner, repo] = name.split('/');
      return { ...rest, owner, repo };
    });
  const stored = {
    id: randomUUID(),
    type: 'Demo',
    schemaVersion: 1,
    occurredAt: '2026-01-01T00:00:00Z',
    correlationId: 'c',
    causationId: null,
    name: 'fluxcd/flux2',
  };

  it('turn an old stored version into the newest one', () => {
    expect(catalog.latestVersion('Demo')).toBe(2);
    expect(catalog.decode(stored)).toMatchObject({ schemaVersion: 2, owner: 'fluxcd', repo: 'flux2' });
  });

  it('leave the newest version alone', () => {
    const current = { ...stored, schemaVersion: 2, owner: 'a', repo: 'b' };
    delete (current as Partial<typeof stored>).name;
    expect(catalog.decode(current)).toEqual(current);
  });

  it('fail validation when no upcaster bridges the gap', () => {
    const noBridge = new EventCatalog().register(v1).register(v2);
    expect(() => noBridge.decode(stored)).toThrow(/no upcaster from Demo v1 to v2/);
  });
});

describe('JSON Schema export', () => {
  it('describes every event with its required fields', () => {
    const schemas = ferryEvents.jsonSchemas() as Record<string, { required: string[]; properties: object }>;
    expect(Object.keys(schemas).sort()).toEqual([
      'Applied.v1',
      'ArtifactReady.v1',
      'Failed.v1',
      'NotificationAttempted.v1',
      'ReconcileFinished.v1',
      'ReconcileRequested.v1',
    ]);
    expect(schemas['ArtifactReady.v1']?.required).toEqual(
      expect.arrayContaining(['id', 'type', 'schemaVersion', 'occurredAt', 'correlationId', 'causationId', 'digest']),
    );
    expect(schemas['Failed.v1']?.properties).toHaveProperty('terminal');
  });
});

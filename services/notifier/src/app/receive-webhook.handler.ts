import { newEvent, type ReconcileRequestedV1 } from '@ferry/contracts';
import type { EventStore } from '@ferry/event-store';
import { apiVersionOfKind } from '../domain/flux-event';
import type { CelProgram, CelValue } from '../domain/cel';
import { compileResourceFilter, verifyWebhook, type WebhookRequest } from '../domain/receiver-verification';
import type { ObjectLister, ObjectMetadata, ReceiverDirectory } from './ports';

/** The answer to a webhook call; transport turns it into the HTTP status. */
export type WebhookOutcome =
  | { status: 200; requested: { kind: string; namespace: string; name: string }[]; note?: string }
  | { status: 400 | 401 | 404 | 503; reason: string; receiver?: { namespace: string; name: string } };

/**
 * Flux's receiver server: finds the Receiver by its secret path, authenticates the call by type, and asks
 * for a reconcile of each listed resource (`name: "*"` expands to every object of the kind, by matchLabels)
 * by appending ReconcileRequested events; the outbox relay publishes them.
 */
export class ReceiveWebhookHandler {
  constructor(
    private readonly receivers: ReceiverDirectory,
    private readonly lister: ObjectLister,
    private readonly store: EventStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async handle(path: string, request: WebhookRequest): Promise<WebhookOutcome> {
    const entry = this.receivers.byPath(path);
    if (!entry) {
      // Before the first list the path may well be a Receiver's: 503 tells the sender to retry, 404 to give up.
      if (!this.receivers.isSynced()) return { status: 503, reason: 'Receivers are not listed yet: waiting for the Kubernetes API' };
      return { status: 404, reason: 'no receiver for this path' };
    }
    const { receiver, token } = entry;
    const namespace = receiver.metadata.namespace ?? 'default';
    const id = { namespace, name: receiver.metadata.name };
    if (receiver.spec.suspend) return { status: 503, reason: 'receiver is suspended', receiver: id };
    const verdict = verifyWebhook(receiver, token, request);
    if (!verdict.accepted) return { status: verdict.malformed ? 400 : 401, reason: verdict.reason, receiver: id };
    if (!verdict.reconcile) return { status: 200, requested: [], ...(verdict.note ? { note: verdict.note } : {}) };
    let filter: ((object: ObjectMetadata) => boolean) | undefined;
    if (receiver.spec.resourceFilter) {
      const made = this.resourceFilter(receiver.spec.resourceFilter, request);
      if ('reason' in made) return { status: 400, reason: made.reason, receiver: id };
      filter = made.filter;
    }
    const targets: { apiVersion: string; kind: string; namespace: string; name: string }[] = [];
    for (const resource of receiver.spec.resources) {
      const apiVersion = resource.apiVersion ?? apiVersionOfKind(resource.kind);
      const resourceNamespace = resource.namespace ?? namespace;
      let candidates: ObjectMetadata[];
      if (resource.name !== '*') {
        if (!filter) {
          targets.push({ apiVersion, kind: resource.kind, namespace: resourceNamespace, name: resource.name });
          continue;
        }
        // The filter looks at the object, so a named resource is read; one that does not exist is not requested.
        const object = await this.lister.get(apiVersion, resource.kind, resourceNamespace, resource.name);
        candidates = object ? [object] : [];
      } else {
        candidates = await this.lister.list(apiVersion, resource.kind, resourceNamespace, resource.matchLabels);
      }
      for (const object of candidates) {
        try {
          if (filter && !filter(object)) continue;
        } catch (error) {
          const reason = `spec.resourceFilter failed on ${resource.kind} ${resourceNamespace}/${object.metadata.name}: ${error instanceof Error ? error.message : String(error)}`;
          return { status: 400, reason, receiver: id };
        }
        targets.push({ apiVersion, kind: resource.kind, namespace: resourceNamespace, name: object.metadata.name });
      }
    }
    const requestedAt = this.now().toISOString();
    const events = targets.map((object) =>
      newEvent<ReconcileRequestedV1>({ type: 'ReconcileRequested', schemaVersion: 1, object, reason: 'webhook', requestedAt }),
    );
    if (events.length > 0) await this.store.append(`receiver-${namespace}.${receiver.metadata.name}`, events, 'any');
    return { status: 200, requested: targets.map(({ kind, namespace: ns, name }) => ({ kind, namespace: ns, name })) };
  }

  // Flux's CEL filter: `res` is each object's type and metadata, `req` the body when it is sent as JSON (an empty
  // map otherwise).
  private resourceFilter(expression: string, request: WebhookRequest): { filter: (object: ObjectMetadata) => boolean } | { reason: string } {
    let program: CelProgram;
    try {
      program = compileResourceFilter(expression);
    } catch (error) {
      return { reason: `spec.resourceFilter: ${(error as Error).message}` };
    }
    let req: Record<string, CelValue> = {};
    const contentTypes = (request.headers['content-type'] ?? '').split(',').map((part) => part.split(';')[0]?.trim().toLowerCase());
    if (contentTypes.includes('application/json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(request.body.toString('utf8'));
      } catch (error) {
        return { reason: `failed to parse request body as JSON: ${(error as Error).message}` };
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { reason: 'failed to parse request body as JSON: not an object' };
      req = parsed as Record<string, CelValue>;
    }
    return { filter: (object) => program.evaluateBool({ res: object as unknown as CelValue, req }) };
  }
}

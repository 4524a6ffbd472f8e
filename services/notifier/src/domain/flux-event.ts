import { formatDuration, type RawEnvelope } from '@ferry/contracts';

/** Flux's event severities: alerts with `eventSeverity: info` receive both. */
export type EventSeverity = 'info' | 'error';

/** The object an event is about, as Flux's `involvedObject` (an `ObjectReference`). */
export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Flux's `eventv1.Event`: what controllers post to the notification-controller and what the generic
 * providers forward verbatim. `metadata` carries `revision` and, per alert, `summary` and `eventMetadata`.
 */
export interface FluxEvent {
  involvedObject: InvolvedObject;
  severity: EventSeverity;
  timestamp: string;
  message: string;
  reason: string;
  metadata?: Record<string, string>;
  reportingController: string;
  reportingInstance?: string;
}

/** Flux's metadata key marking an event meant only for commit-status providers (`commit_status: update`). */
export const COMMIT_STATUS_KEY = 'commit_status';
/** The value of {@link COMMIT_STATUS_KEY} on such events. */
export const COMMIT_STATUS_UPDATE = 'update';

/** Provider types that set commit statuses: the only ones that receive `commit_status: update` events. */
export const COMMIT_STATUS_PROVIDERS: readonly string[] = ['github', 'gitlab', 'gitea', 'bitbucket', 'bitbucketserver', 'azuredevops'];

/** Whether a provider type should receive this event (Flux skips commit-status-only events for chat providers). */
export function isForProvider(event: FluxEvent, providerType: string): boolean {
  return event.metadata?.[COMMIT_STATUS_KEY] !== COMMIT_STATUS_UPDATE || COMMIT_STATUS_PROVIDERS.includes(providerType);
}

const apiVersionOf: Record<string, string> = {
  GitRepository: 'source.toolkit.fluxcd.io/v1',
  OCIRepository: 'source.toolkit.fluxcd.io/v1beta2',
  Bucket: 'source.toolkit.fluxcd.io/v1',
  HelmRepository: 'source.toolkit.fluxcd.io/v1',
  HelmChart: 'source.toolkit.fluxcd.io/v1',
  Kustomization: 'kustomize.toolkit.fluxcd.io/v1',
  HelmRelease: 'helm.toolkit.fluxcd.io/v2',
};

const controllerOfKind: Record<string, string> = {
  GitRepository: 'source-controller',
  OCIRepository: 'source-controller',
  Bucket: 'source-controller',
  HelmRepository: 'source-controller',
  HelmChart: 'source-controller',
  Kustomization: 'kustomize-controller',
  HelmRelease: 'helm-controller',
};

/** The API version Ferry serves a Flux kind at (for references that leave it out). */
export function apiVersionOfKind(kind: string): string {
  return apiVersionOf[kind] ?? 'v1';
}

function involved(ref: { apiVersion?: string | undefined; kind: string; namespace: string; name: string }): InvolvedObject {
  return {
    apiVersion: ref.apiVersion ?? apiVersionOfKind(ref.kind),
    kind: ref.kind,
    namespace: ref.namespace,
    name: ref.name,
  };
}

// Timestamps in Flux events are RFC 3339 at second precision (Go's metav1.Time).
const seconds = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface ObjectRefLike {
  apiVersion?: string | undefined;
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Maps a Ferry event to the event Flux's controllers would have emitted, or undefined for events that are
 * not notifications (ReconcileRequested, ReconcileFinished: Applied and Failed already tell the outcome).
 */
export function toFluxEvent(event: RawEnvelope): FluxEvent | undefined {
  const e = event as RawEnvelope & Record<string, unknown>;
  switch (event.type) {
    case 'ArtifactReady': {
      const source = e['source'] as ObjectRefLike;
      const revision = e['revision'] as string;
      return {
        involvedObject: involved(source),
        severity: 'info',
        timestamp: seconds(event.occurredAt),
        message: `stored artifact for revision '${revision}'`,
        reason: 'NewArtifact',
        metadata: { revision },
        reportingController: controllerOfKind[source.kind] ?? 'source-controller',
      };
    }
    case 'Applied': {
      const object = e['object'] as ObjectRefLike;
      const revision = e['revision'] as string;
      const changes = (e['changeSet'] as { id: string; action: string }[]).filter((entry) => entry.action !== 'unchanged');
      // Flux sends the change set, one `<id> <action>` line per object; with nothing changed, the timing.
      const message =
        changes.length > 0
          ? changes.map((entry) => `${entry.id} ${entry.action}`).join('\n')
          : `Reconciliation finished in ${formatDuration(e['durationMs'] as number)}`;
      return {
        involvedObject: involved(object),
        severity: 'info',
        timestamp: seconds(event.occurredAt),
        message,
        reason: 'ReconciliationSucceeded',
        // Like Flux's "Reconciliation finished" event, a no-change apply only updates commit statuses.
        metadata: changes.length > 0 ? { revision } : { revision, [COMMIT_STATUS_KEY]: COMMIT_STATUS_UPDATE },
        reportingController: controllerOfKind[object.kind] ?? 'kustomize-controller',
      };
    }
    case 'Failed': {
      const object = e['object'] as ObjectRefLike;
      const revision = e['revision'] as string | null;
      return {
        involvedObject: involved(object),
        severity: 'error',
        timestamp: seconds(event.occurredAt),
        message: e['message'] as string,
        reason: e['reason'] as string,
        ...(revision ? { metadata: { revision } } : {}),
        reportingController: controllerOfKind[object.kind] ?? 'notification-controller',
      };
    }
    default:
      return undefined;
  }
}

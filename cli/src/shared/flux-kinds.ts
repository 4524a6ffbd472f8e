import {
  findCondition,
  GIT_REPOSITORY_API_VERSION,
  HELM_RELEASE_API_VERSION,
  HELM_SOURCE_API_VERSION,
  KUSTOMIZATION_API_VERSION,
  NOTIFICATION_V1,
  NOTIFICATION_V1BETA3,
  RECONCILE_REQUESTED_AT_ANNOTATION,
  type Condition,
} from '@ferry/contracts';
import type { KubeObject, ObjectLocator } from '@ferry/kube';
import type { CliContext } from './cli-context';

/** A Flux kind the day-2 commands handle, with how its status reads. */
export interface FluxKind {
  kind: string;
  apiVersion: string;
  /** How `flux get all` prefixes names: `gitrepository/podinfo`. */
  lowerKind: string;
  /** The revision the object last reconciled. */
  revisionOf(object: KubeObject): string;
  /** The success line after a reconcile: `fetched revision …` / `applied revision …`. */
  revisionLine(revision: string): string;
}

/** A Flux object as the CLI reads it. */
export interface FluxObject extends KubeObject {
  spec?: { suspend?: boolean; sourceRef?: { kind: string; name: string; namespace?: string } } & Record<string, unknown>;
  status?: {
    observedGeneration?: number;
    lastHandledReconcileAt?: string;
    lastAppliedRevision?: string;
    artifact?: { revision?: string };
    conditions?: Condition[];
  } & Record<string, unknown>;
}

/** `source.toolkit.fluxcd.io/v1` GitRepository. */
export const GIT_REPOSITORY: FluxKind = {
  kind: 'GitRepository',
  apiVersion: GIT_REPOSITORY_API_VERSION,
  lowerKind: 'gitrepository',
  revisionOf: (object) => (object as FluxObject).status?.artifact?.revision ?? '',
  revisionLine: (revision) => `fetched revision ${revision}`,
};

/** `kustomize.toolkit.fluxcd.io/v1` Kustomization. */
export const KUSTOMIZATION: FluxKind = {
  kind: 'Kustomization',
  apiVersion: KUSTOMIZATION_API_VERSION,
  lowerKind: 'kustomization',
  revisionOf: (object) => (object as FluxObject).status?.lastAppliedRevision ?? '',
  revisionLine: (revision) => `applied revision ${revision}`,
};

/** `source.toolkit.fluxcd.io/v1` HelmRepository: its revision is the digest of the stored index. */
export const HELM_REPOSITORY: FluxKind = {
  kind: 'HelmRepository',
  apiVersion: HELM_SOURCE_API_VERSION,
  lowerKind: 'helmrepository',
  revisionOf: (object) => (object as FluxObject).status?.artifact?.revision ?? '',
  revisionLine: (revision) => `fetched revision ${revision}`,
};

/** `source.toolkit.fluxcd.io/v1` HelmChart: its revision is the chart version. */
export const HELM_CHART: FluxKind = {
  kind: 'HelmChart',
  apiVersion: HELM_SOURCE_API_VERSION,
  lowerKind: 'helmchart',
  revisionOf: (object) => (object as FluxObject).status?.artifact?.revision ?? '',
  revisionLine: (revision) => `fetched revision ${revision}`,
};

/** `helm.toolkit.fluxcd.io/v2` HelmRelease: its revision is the chart version of the latest release in its history. */
export const HELM_RELEASE: FluxKind = {
  kind: 'HelmRelease',
  apiVersion: HELM_RELEASE_API_VERSION,
  lowerKind: 'helmrelease',
  revisionOf: (object) => {
    const history = (object as FluxObject).status?.['history'];
    return Array.isArray(history) ? String((history[0] as { chartVersion?: unknown } | undefined)?.chartVersion ?? '') : '';
  },
  revisionLine: (revision) => `applied revision ${revision}`,
};

/** `notification.toolkit.fluxcd.io/v1beta3` Alert: static (no status), as in Flux. */
export const ALERT: FluxKind = {
  kind: 'Alert',
  apiVersion: NOTIFICATION_V1BETA3,
  lowerKind: 'alert',
  revisionOf: () => '',
  revisionLine: (revision) => revision,
};

/** `notification.toolkit.fluxcd.io/v1beta3` Provider: static (no status), as in Flux. */
export const PROVIDER: FluxKind = {
  kind: 'Provider',
  apiVersion: NOTIFICATION_V1BETA3,
  lowerKind: 'provider',
  revisionOf: () => '',
  revisionLine: (revision) => revision,
};

/** `notification.toolkit.fluxcd.io/v1` Receiver: reconciled (Ready, webhookPath). */
export const RECEIVER: FluxKind = {
  kind: 'Receiver',
  apiVersion: NOTIFICATION_V1,
  lowerKind: 'receiver',
  // A Receiver has no revision: what its reconcile produces is the webhook path.
  revisionOf: (object) => String((object as FluxObject).status?.['webhookPath'] ?? ''),
  revisionLine: (webhookPath) => `generated webhook URL ${webhookPath}`,
};

/** The locator of a named object of a kind. */
export function locate(kind: FluxKind, name: string, namespace: string): ObjectLocator {
  return { apiVersion: kind.apiVersion, kind: kind.kind, name, namespace };
}

/** Flux's READY and MESSAGE columns: the Ready condition, or False / "waiting to be reconciled". */
export function readyAndMessage(object: KubeObject): { ready: string; message: string } {
  const ready = findCondition((object as FluxObject).status?.conditions, 'Ready');
  return ready ? { ready: ready.status, message: ready.message } : { ready: 'False', message: 'waiting to be reconciled' };
}

/** Reads an object, or fails naming it (`Kustomization podinfo not found in flux-system namespace`). */
export async function getOrFail(ctx: CliContext, kind: FluxKind, name: string): Promise<FluxObject> {
  const object = await ctx.kube().get<FluxObject>(locate(kind, name, ctx.namespace));
  if (!object) throw new Error(`${kind.kind} ${name} not found in ${ctx.namespace} namespace`);
  return object;
}

/**
 * Polls until the object is Ready for its current generation (and, when `requestedAt` is given, has handled that
 * reconcile request); a terminal Ready=False fails with the controller's message, and --timeout bounds the wait.
 */
export async function waitForReady(
  ctx: CliContext,
  kind: FluxKind,
  name: string,
  requestedAt?: string,
): Promise<FluxObject> {
  const deadline = Date.now() + ctx.timeoutMs;
  let last = 'the object was not observed yet';
  for (;;) {
    const object = await ctx.kube().get<FluxObject>(locate(kind, name, ctx.namespace));
    if (object) {
      const status = object.status ?? {};
      const handled = requestedAt === undefined || status.lastHandledReconcileAt === requestedAt;
      const current = status.observedGeneration !== undefined && status.observedGeneration >= (object.metadata.generation ?? 0);
      const ready = findCondition(status.conditions, 'Ready');
      last = ready ? `Ready=${ready.status}: ${ready.message}` : 'no Ready condition yet';
      if (handled && current && ready) {
        const reconciling = findCondition(status.conditions, 'Reconciling')?.status === 'True';
        if (ready.status === 'True') return object;
        if (ready.status === 'False' && !reconciling) {
          throw new Error(`${kind.kind} ${name} in ${ctx.namespace} namespace is not ready: ${ready.message}`);
        }
      }
    } else {
      last = 'the object does not exist';
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out waiting for ${kind.kind} ${name} in ${ctx.namespace} namespace to become ready (${last})`);
    }
    await ctx.pause();
  }
}

/** Sets `reconcile.fluxcd.io/requestedAt` to now (RFC 3339, as Flux writes it) and returns the value. */
export async function requestReconcile(ctx: CliContext, kind: FluxKind, name: string): Promise<string> {
  const requestedAt = new Date().toISOString();
  await ctx.kube().mergePatch(locate(kind, name, ctx.namespace), {
    metadata: { annotations: { [RECONCILE_REQUESTED_AT_ANNOTATION]: requestedAt } },
  }, { fieldManager: 'ferry' });
  return requestedAt;
}

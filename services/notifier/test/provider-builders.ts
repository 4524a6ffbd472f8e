import { providerSchema, type Provider } from '@ferry/contracts';
import type { FluxEvent } from '../src/domain/flux-event';

/** A Provider in flux-system named `p`, with the given spec and UID (commit status names use the UID). */
export function providerWith(spec: Record<string, unknown>, uid: string): Provider {
  return providerSchema.parse({ apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider', metadata: { name: 'p', namespace: 'flux-system', uid }, spec });
}

/** A kustomize-controller event about Kustomization flux-system/apps at a fixed time; the rest is given. */
export function kustomizationEvent(fields: Pick<FluxEvent, 'severity' | 'message' | 'reason'> & Partial<FluxEvent>): FluxEvent {
  return {
    involvedObject: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
    timestamp: '2026-11-30T10:00:00Z',
    reportingController: 'kustomize-controller',
    ...fields,
  };
}

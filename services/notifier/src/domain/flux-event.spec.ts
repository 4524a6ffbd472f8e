import { newEvent, type AppliedV1, type ArtifactReadyV1, type FailedV1, type ReconcileRequestedV1 } from '@ferry/contracts';
import { isForProvider, toFluxEvent } from './flux-event';

const sha = 'd'.repeat(40);
const at = new Date('2026-11-30T10:00:00.123Z');

describe('mapping Ferry events to Flux events', () => {
  it('Given an ArtifactReady, When mapped, Then it is an info NewArtifact event from source-controller with the revision', () => {
    const event = newEvent<ArtifactReadyV1>(
      {
        type: 'ArtifactReady',
        schemaVersion: 1,
        source: { kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' },
        revision: `main@sha1:${sha}`,
        digest: `sha256:${'e'.repeat(64)}`,
        url: 'http://source/x.tar.gz',
        size: 10,
      },
      undefined,
      at,
    );
    expect(toFluxEvent(event)).toEqual({
      involvedObject: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' },
      severity: 'info',
      timestamp: '2026-11-30T10:00:00Z',
      message: `stored artifact for revision 'main@sha1:${sha}'`,
      reason: 'NewArtifact',
      metadata: { revision: `main@sha1:${sha}` },
      reportingController: 'source-controller',
    });
  });

  it('Given an Applied with changes, When mapped, Then the message is the change set without unchanged objects', () => {
    const event = newEvent<AppliedV1>({
      type: 'Applied',
      schemaVersion: 1,
      object: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
      revision: `main@sha1:${sha}`,
      changeSet: [
        { id: 'Namespace/apps', action: 'created' },
        { id: 'Service/apps/web', action: 'unchanged' },
        { id: 'Deployment/apps/web', action: 'configured' },
      ],
      durationMs: 5,
    });
    expect(toFluxEvent(event)).toMatchObject({
      severity: 'info',
      reason: 'ReconciliationSucceeded',
      message: 'Namespace/apps created\nDeployment/apps/web configured',
      reportingController: 'kustomize-controller',
    });
  });

  it('Given an Applied without changes, When mapped, Then the message reports the duration', () => {
    const event = newEvent<AppliedV1>({
      type: 'Applied',
      schemaVersion: 1,
      object: { kind: 'HelmRelease', namespace: 'apps', name: 'web' },
      revision: '6.5.0',
      changeSet: [],
      durationMs: 1500,
    });
    expect(toFluxEvent(event)).toMatchObject({
      message: 'Reconciliation finished in 1.5s',
      reportingController: 'helm-controller',
      metadata: { revision: '6.5.0', commit_status: 'update' },
    });
  });

  it('Given a commit-status-only event, When routed, Then only commit status providers receive it', () => {
    const event = toFluxEvent(
      newEvent<AppliedV1>({ type: 'Applied', schemaVersion: 1, object: { kind: 'Kustomization', namespace: 'a', name: 'b' }, revision: `main@sha1:${sha}`, changeSet: [], durationMs: 1 }),
    )!;
    expect(isForProvider(event, 'gitlab')).toBe(true);
    expect(isForProvider(event, 'github')).toBe(true);
    expect(isForProvider(event, 'slack')).toBe(false);
    expect(isForProvider({ ...event, metadata: { revision: 'r' } }, 'slack')).toBe(true);
  });

  it('Given a Failed without revision, When mapped, Then it is an error event with its reason and no metadata', () => {
    const event = newEvent<FailedV1>({
      type: 'Failed',
      schemaVersion: 1,
      object: { kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' },
      revision: null,
      reason: 'GitOperationFailed',
      message: 'authentication required',
      stage: 'fetch',
      terminal: false,
    });
    const flux = toFluxEvent(event);
    expect(flux).toMatchObject({ severity: 'error', reason: 'GitOperationFailed', message: 'authentication required' });
    expect(flux?.metadata).toBeUndefined();
  });

  it('Given a ReconcileRequested, When mapped, Then there is nothing to notify', () => {
    const event = newEvent<ReconcileRequestedV1>({
      type: 'ReconcileRequested',
      schemaVersion: 1,
      object: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
      reason: 'webhook',
      requestedAt: at.toISOString(),
    });
    expect(toFluxEvent(event)).toBeUndefined();
  });
});

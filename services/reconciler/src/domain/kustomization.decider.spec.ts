import { parseFluxObject, kustomizationSchema, type Kustomization } from '@ferry/contracts';
import { decideReconcile, deletionGarbageCollection, isPruneDisabled, retryDelayMs, type SourceState } from './kustomization.decider';
import { failedStatus, progressingStatus, succeededStatus } from './kustomization-status';
import { generatedKustomization, overlaySpec } from '@ferry/kustomize';

const sha = (c: string) => c.repeat(40);
const artifact = { revision: `main@sha1:${sha('a')}`, digest: `sha256:${'b'.repeat(64)}`, url: 'http://source/x.tar.gz' };
const readySource: SourceState = { found: true, ready: true, artifact, message: '' };

function kustomization(name: string, spec: Record<string, unknown> = {}, status?: Record<string, unknown>): Kustomization {
  return parseFluxObject(kustomizationSchema, {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system', generation: 1 },
    spec: { interval: '5m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, ...spec },
    ...(status ? { status } : {}),
  });
}

const ready = (revision = artifact.revision) => ({
  observedGeneration: 1,
  lastAppliedRevision: revision,
  conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }],
});

describe('decideReconcile', () => {
  it('given a suspended Kustomization, when asked, then it skips', () => {
    expect(decideReconcile(kustomization('apps', { suspend: true }), readySource, new Map())).toEqual({ action: 'skip-suspended' });
  });

  it('given no source or no artifact, then it waits with ArtifactFailed', () => {
    expect(decideReconcile(kustomization('apps'), { found: false }, new Map())).toEqual({
      action: 'wait',
      reason: 'ArtifactFailed',
      message: "Source GitRepository 'flux-system/flux-system' not found",
    });
    const noArtifact = decideReconcile(kustomization('apps'), { found: true, ready: false, artifact: undefined, message: 'auth failed' }, new Map());
    expect(noArtifact).toMatchObject({ action: 'wait', reason: 'ArtifactFailed', message: expect.stringContaining('artifact not found: auth failed') });
  });

  it('given a dependency not ready, missing, or behind on the same source, then it waits with DependencyNotReady', () => {
    const apps = kustomization('apps', { dependsOn: [{ name: 'infra' }] });
    expect(decideReconcile(apps, readySource, new Map([['flux-system/infra', undefined]]))).toMatchObject({
      reason: 'DependencyNotReady',
      message: "dependency 'flux-system/infra' not found",
    });
    expect(decideReconcile(apps, readySource, new Map([['flux-system/infra', kustomization('infra')]]))).toMatchObject({
      message: "dependency 'flux-system/infra' is not ready",
    });
    const behind = kustomization('infra', {}, ready(`main@sha1:${sha('0')}`));
    expect(decideReconcile(apps, readySource, new Map([['flux-system/infra', behind]]))).toMatchObject({
      message: "dependency 'flux-system/infra' revision is not up to date",
    });
  });

  it('given ready dependencies and an artifact, then it reconciles that artifact', () => {
    const apps = kustomization('apps', { dependsOn: [{ name: 'infra' }] });
    expect(decideReconcile(apps, readySource, new Map([['flux-system/infra', kustomization('infra', {}, ready())]]))).toEqual({
      action: 'reconcile',
      artifact,
    });
  });
});

describe('Kustomization status', () => {
  const now = new Date('2026-02-03T04:05:06Z');

  it('goes Reconciling, then Ready with the applied revision and inventory', () => {
    const ks = kustomization('apps');
    const progressing = progressingStatus(ks, artifact.revision, now);
    expect(progressing.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual(['Reconciling=True', 'Ready=Unknown']);
    const done = succeededStatus(
      { ...ks, status: progressing },
      { revision: artifact.revision, inventory: [{ id: 'apps_web_apps_Deployment', v: 'v1' }], healthChecked: true, requestedAt: 'r1' },
      now,
    );
    expect(done).toMatchObject({
      observedGeneration: 1,
      lastAppliedRevision: artifact.revision,
      lastAttemptedRevision: artifact.revision,
      lastHandledReconcileAt: 'r1',
      inventory: { entries: [{ id: 'apps_web_apps_Deployment', v: 'v1' }] },
    });
    expect(done.conditions?.map((c) => `${c.type}=${c.status}:${c.reason}`)).toEqual([
      'Ready=True:ReconciliationSucceeded',
      'Healthy=True:Succeeded',
    ]);
    expect(done.conditions?.[0]?.message).toBe(`Applied revision: ${artifact.revision}`);
  });

  it('keeps the last applied revision and inventory on failure', () => {
    const ks = kustomization('apps', {}, { ...ready(), inventory: { entries: [{ id: 'x_y__ConfigMap', v: 'v1' }] } });
    const failed = failedStatus(
      ks,
      { reason: 'BuildFailed', message: 'kustomization.yaml: bad', revision: `main@sha1:${sha('c')}`, stalled: false, healthFailed: false, requestedAt: undefined },
      now,
    );
    expect(failed).toMatchObject({
      lastAppliedRevision: artifact.revision,
      lastAttemptedRevision: `main@sha1:${sha('c')}`,
      inventory: { entries: [{ id: 'x_y__ConfigMap', v: 'v1' }] },
    });
    expect(failed.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'BuildFailed' });
    expect(failed.conditions?.some((c) => c.type === 'Stalled')).toBe(false);
  });
});

describe('kustomization file', () => {
  it('generates one listing manifests and sub-kustomizations', () => {
    expect(generatedKustomization(['b.yaml', 'a.yml'], ['overlay'])).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['a.yml', 'b.yaml', 'overlay'],
    });
  });

  it('overlays the spec as kustomize-controller does', () => {
    const spec = kustomization('apps', {
      targetNamespace: 'prod',
      namePrefix: 'p-',
      patches: [{ patch: '- op: remove\n  path: /spec/replicas', target: { kind: 'Deployment' } }],
      images: [{ name: 'nginx', newTag: '1.27' }],
      components: ['../components/tls'],
      commonMetadata: { labels: { team: 'web' }, annotations: { owner: 'me' } },
    }).spec;
    const out = overlaySpec({ resources: ['a.yaml'], images: [{ name: 'redis', newTag: '7' }], commonAnnotations: { a: 'b' } }, spec);
    expect(out).toEqual({
      resources: ['a.yaml'],
      namespace: 'prod',
      namePrefix: 'p-',
      patches: [{ patch: '- op: remove\n  path: /spec/replicas', target: { kind: 'Deployment' } }],
      images: [{ name: 'redis', newTag: '7' }, { name: 'nginx', newTag: '1.27' }],
      components: ['../components/tls'],
      labels: [{ pairs: { team: 'web' }, includeSelectors: false, includeTemplates: false }],
      commonAnnotations: { a: 'b', owner: 'me' },
    });
  });
});

describe('deletionGarbageCollection', () => {
  it.each([
    ['MirrorPrune', { prune: true }, 'delete'],
    ['MirrorPrune', { prune: false }, 'none'],
    ['Delete', { prune: false }, 'delete'],
    ['WaitForTermination', { prune: false }, 'delete-and-wait'],
    ['Orphan', { prune: true }, 'none'],
  ])('given deletionPolicy %s and %j, when the Kustomization is deleted, then it does %s', (deletionPolicy, spec, expected) => {
    expect(deletionGarbageCollection(kustomization('apps', { deletionPolicy, ...spec }))).toBe(expected);
  });

  it('given a suspended Kustomization, when deleted, then nothing is collected', () => {
    expect(deletionGarbageCollection(kustomization('apps', { deletionPolicy: 'Delete', suspend: true }))).toBe('none');
  });

  it('given the prune: disabled annotation, then the object is protected', () => {
    expect(isPruneDisabled({ metadata: { annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } } })).toBe(true);
    expect(isPruneDisabled({ metadata: {} })).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('given consecutive failures, then the retry interval doubles up to the larger of interval and retryInterval', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(30_000, 300_000, n))).toEqual([30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
    expect(retryDelayMs(120_000, 60_000, 3)).toBe(120_000);
    expect(retryDelayMs(1_000, 600_000, 1_000)).toBe(600_000);
  });
});

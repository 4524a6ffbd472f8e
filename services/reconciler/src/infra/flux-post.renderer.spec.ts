import { helmReleaseSchema, parseFluxObject, ReconcileFailure } from '@ferry/contracts';
import type { KubeObject } from '@ferry/kube';
import { ignoredPaths } from '../app/helm-actions';
import { FluxPostRenderer } from './flux-post.renderer';

const release = (spec: Record<string, unknown>) =>
  parseFluxObject(helmReleaseSchema, {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'podinfo', namespace: 'apps' },
    spec: { interval: '5m', chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } }, ...spec },
  });

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'podinfo', labels: { app: 'podinfo' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'podinfo', image: 'ghcr.io/stefanprodan/podinfo:6.5.0' }] } } },
};

describe('FluxPostRenderer', () => {
  it('given kustomize postRenderers, when rendering, then patches and images apply and owner labels are added', () => {
    const hr = release({
      postRenderers: [{ kustomize: { patches: [{ patch: '- op: replace\n  path: /spec/replicas\n  value: 4', target: { kind: 'Deployment' } }], images: [{ name: 'ghcr.io/stefanprodan/podinfo', newTag: '6.6.0' }] } }],
      commonMetadata: { labels: { team: 'web' }, annotations: { owner: 'me' } },
    });
    const [out] = new FluxPostRenderer().render(hr, [deployment]);
    expect(out).toMatchObject({
      metadata: {
        labels: { app: 'podinfo', team: 'web', 'helm.toolkit.fluxcd.io/name': 'podinfo', 'helm.toolkit.fluxcd.io/namespace': 'apps' },
        annotations: { owner: 'me' },
      },
      spec: { replicas: 4, template: { spec: { containers: [{ image: 'ghcr.io/stefanprodan/podinfo:6.6.0' }] } } },
    });
  });

  it('given a patch kustomize refuses, then it fails naming the post-renderer', () => {
    const hr = release({ postRenderers: [{ kustomize: { patches: [{ patch: '- op: replace\n  path: /spec/missing/field\n  value: 1', target: { kind: 'Deployment' } }] } }] });
    expect(() => new FluxPostRenderer().render(hr, [deployment])).toThrow(ReconcileFailure);
    expect(() => new FluxPostRenderer().render(hr, [deployment])).toThrow(/^post-renderer failed: /);
  });
});

describe('driftDetection ignore rules', () => {
  it('apply to the objects their target selects (names as anchored regular expressions), or to all without one', () => {
    const hr = release({
      driftDetection: {
        mode: 'enabled',
        ignore: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment', name: 'pod.*' } }, { paths: ['/metadata/annotations/x'] }, { paths: ['/data'], target: { kind: 'ConfigMap' } }],
      },
    });
    expect(ignoredPaths(hr, deployment)).toEqual(['/spec/replicas', '/metadata/annotations/x']);
    expect(ignoredPaths(hr, { ...deployment, metadata: { name: 'frontend' } })).toEqual(['/metadata/annotations/x']);
  });
});

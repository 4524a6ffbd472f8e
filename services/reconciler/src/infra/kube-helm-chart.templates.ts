import { HELM_SOURCE_API_VERSION, type HelmRelease } from '@ferry/contracts';
import type { KubeClient, KubeObject, ResourceManager } from '@ferry/kube';
import type { HelmChartTemplates } from '../app/helm-ports';
import { helmChartRefOf } from '../domain/helm-release.decider';

/** Flux's owner labels on objects helm-controller creates (the HelmChart, the release's objects). */
export const HelmOwnerLabel = { name: 'helm.toolkit.fluxcd.io/name', namespace: 'helm.toolkit.fluxcd.io/namespace' } as const;

/**
 * The HelmChart of a HelmRelease's `spec.chart`, as helm-controller builds it: named `<namespace>-<name>` in the
 * sourceRef's namespace, template labels and annotations plus the owner labels, server-side applied.
 */
export class KubeHelmChartTemplates implements HelmChartTemplates {
  constructor(
    private readonly client: KubeClient,
    private readonly resources: ResourceManager,
  ) {}

  async apply(release: HelmRelease): Promise<void> {
    const template = release.spec.chart;
    if (!template) return;
    const ref = helmChartRefOf(release);
    const chart: KubeObject = {
      apiVersion: HELM_SOURCE_API_VERSION,
      kind: 'HelmChart',
      metadata: {
        name: ref.name,
        namespace: ref.namespace,
        labels: { ...template.metadata?.labels, [HelmOwnerLabel.name]: release.metadata.name, [HelmOwnerLabel.namespace]: release.metadata.namespace ?? 'default' },
        ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      },
      spec: {
        chart: template.spec.chart,
        version: template.spec.version,
        sourceRef: { kind: template.spec.sourceRef.kind, name: template.spec.sourceRef.name },
        interval: template.spec.interval ?? release.spec.interval,
        reconcileStrategy: template.spec.reconcileStrategy,
        ...(template.spec.valuesFiles ? { valuesFiles: template.spec.valuesFiles } : {}),
        ignoreMissingValuesFiles: template.spec.ignoreMissingValuesFiles,
      },
    };
    await this.resources.apply(chart);
  }

  remove(ref: { namespace: string; name: string }): Promise<boolean> {
    return this.client.delete({ apiVersion: HELM_SOURCE_API_VERSION, kind: 'HelmChart', namespace: ref.namespace, name: ref.name });
  }
}

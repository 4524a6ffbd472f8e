import { Reason, ReconcileFailure } from '@ferry/contracts';
import { HelmError, renderChartAsync, type Chart } from '@ferry/helm';
import type { KubeClient, KubeObject } from '@ferry/kube';
import type { ChartRenderer, HelmCluster, RenderedChart } from '../app/helm-ports';
import type { Values } from '../domain/helm-values';

/**
 * Renders charts with Ferry's Helm engine (libs/helm) for the cluster's Kubernetes version, `lookup` answered by
 * the cluster the release goes to. A chart or values the engine refuses fail the reconcile until they change.
 */
export class HelmChartRenderer implements ChartRenderer {
  private kubeVersion: Promise<string | undefined> | undefined;

  constructor(private readonly client: KubeClient) {}

  async render(
    chart: Chart,
    values: Values,
    release: { name: string; namespace: string; revision: number; isInstall: boolean; isUpgrade: boolean },
    cluster: Pick<HelmCluster, 'lookup'>,
  ): Promise<RenderedChart> {
    // Asked once: without an answer Helm's default version is used, as `helm template` does.
    this.kubeVersion ??= this.client.version().then(
      (v) => v.gitVersion,
      () => undefined,
    );
    const kubeVersion = await this.kubeVersion;
    try {
      const rendered = await renderChartAsync(chart, values, {
        release,
        ...(kubeVersion ? { kubeVersion } : {}),
        lookup: (apiVersion, kind, namespace, name) => cluster.lookup(apiVersion, kind, namespace, name),
      });
      return {
        chart: rendered.chart,
        objects: rendered.manifests as KubeObject[],
        hooks: rendered.hooks,
        crds: rendered.crds as KubeObject[],
        notes: rendered.notes,
      };
    } catch (error) {
      if (error instanceof HelmError) throw new ReconcileFailure(Reason.BuildFailed, 'build', error.message, false);
      throw error;
    }
  }
}

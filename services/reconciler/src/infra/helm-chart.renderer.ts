import { Reason, ReconcileFailure } from '@ferry/contracts';
import { HelmError, renderChartAsync, type Chart } from '@ferry/helm';
import type { KubeObject } from '@ferry/kube';
import type { ChartRenderer, HelmCluster, RenderedChart } from '../app/helm-ports';
import type { Values } from '../domain/helm-values';

/**
 * Renders charts with Ferry's Helm engine (libs/helm) for the Kubernetes version of the cluster the release goes
 * to (its kubeConfig's, when it has one), `lookup` answered by that cluster. A chart or values the engine refuses
 * fail the reconcile until they change.
 */
export class HelmChartRenderer implements ChartRenderer {
  async render(
    chart: Chart,
    values: Values,
    release: { name: string; namespace: string; revision: number; isInstall: boolean; isUpgrade: boolean },
    cluster: Pick<HelmCluster, 'lookup' | 'kubeVersion'>,
  ): Promise<RenderedChart> {
    const kubeVersion = await cluster.kubeVersion();
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

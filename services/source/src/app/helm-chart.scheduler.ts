import type { EventCause, HelmChart } from '@ferry/contracts';
import type { ReconcileResult } from '@ferry/platform';
import type { ObjectKey } from './ports';
import { SourceScheduler, artifactChanged, type ScheduledObject } from './source.scheduler';

/**
 * Decides when a HelmChart is reconciled (see SourceScheduler); besides, a new artifact of its source
 * (HelmRepository or GitRepository) triggers it, so a new chart version or commit is picked up at once.
 */
export class HelmChartScheduler extends SourceScheduler<HelmChart> {
  constructor(
    handler: { reconcile(namespace: string, name: string, cause?: EventCause): Promise<ReconcileResult> },
    workers: number,
    onForget: (object: ObjectKey) => void,
    onError: (key: string, error: unknown) => void,
    /** Every HelmChart known. */
    private readonly charts: () => HelmChart[],
  ) {
    super(handler, workers, onForget, onError);
  }

  /** The informer of a source kind saw `source` change: reconcile the charts built from it when its artifact is new. */
  onSourceUpsert(kind: 'HelmRepository' | 'GitRepository', source: ScheduledObject, previous: ScheduledObject | undefined): void {
    if (!artifactChanged(source, previous)) return;
    const namespace = source.metadata.namespace ?? 'default';
    for (const chart of this.charts()) {
      const { sourceRef } = chart.spec;
      if ((chart.metadata.namespace ?? 'default') === namespace && sourceRef.kind === kind && sourceRef.name === source.metadata.name) {
        this.enqueue({ namespace, name: chart.metadata.name });
      }
    }
  }
}

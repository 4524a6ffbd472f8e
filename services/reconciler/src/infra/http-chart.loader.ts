import { fetchArtifact } from '@ferry/artifact';
import { loadChart, type Chart } from '@ferry/helm';
import type { ChartLoader } from '../app/helm-ports';
import type { SourceArtifact } from '../domain/kustomization.decider';

// Charts are small and immutable per digest; a few kept spare a download and a parse per reconcile.
const KEEP_CHARTS = 16;

/** Downloads chart artifacts from the source service, verifies their digest and loads them (kept per digest). */
export class HttpChartLoader implements ChartLoader {
  private readonly charts = new Map<string, Promise<Chart>>();

  constructor(private readonly limits: { maxBytes: number; timeoutMs: number }) {}

  load(artifact: SourceArtifact): Promise<Chart> {
    let chart = this.charts.get(artifact.digest);
    if (chart) this.charts.delete(artifact.digest);
    else chart = fetchArtifact(artifact.url, artifact.digest, this.limits).then((archive) => loadChart(archive));
    this.charts.set(artifact.digest, chart);
    chart.catch(() => this.charts.get(artifact.digest) === chart && this.charts.delete(artifact.digest));
    for (const digest of this.charts.keys()) {
      if (this.charts.size <= KEEP_CHARTS) break;
      this.charts.delete(digest);
    }
    return chart;
  }
}

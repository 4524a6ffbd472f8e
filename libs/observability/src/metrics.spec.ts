import { createMetrics, recordCondition } from './metrics';

/** The value of the sample of `name` whose labels include all of `labels`, from Prometheus text. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('metrics', () => {
  it('exports Flux metric names with Flux labels', async () => {
    const metrics = createMetrics('source');
    const object = { kind: 'GitRepository', name: 'podinfo', namespace: 'flux-system' };
    metrics.reconcileDuration.observe(object, 0.73);
    recordCondition(metrics, object, 'Ready', 'True');
    metrics.suspendStatus.set(object, 0);
    const text = await metrics.registry.metrics();
    expect(sample(text, 'gotk_reconcile_duration_seconds_count', { ...object, service: 'source' })).toBe(1);
    expect(sample(text, 'gotk_reconcile_duration_seconds_sum', object)).toBeCloseTo(0.73);
    expect(sample(text, 'gotk_reconcile_condition', { ...object, type: 'Ready', status: 'True' })).toBe(1);
    expect(sample(text, 'gotk_reconcile_condition', { ...object, type: 'Ready', status: 'False' })).toBe(0);
    expect(sample(text, 'gotk_suspend_status', object)).toBe(0);
  });
});

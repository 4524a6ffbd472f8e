/** A Grafana panel target: one PromQL query. */
interface Target {
  expr: string;
  legendFormat: string;
  refId: string;
  instant?: boolean;
  format?: 'table' | 'time_series';
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

function panel(
  type: 'stat' | 'timeseries' | 'table',
  title: string,
  gridPos: { x: number; y: number; w: number; h: number },
  queries: Array<[expr: string, legend: string]>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const targets: Target[] = queries.map(([expr, legendFormat], index) => ({
    expr,
    legendFormat,
    refId: String.fromCharCode(65 + index),
    ...(type === 'timeseries' ? {} : { instant: true }),
    ...(type === 'table' ? { format: 'table' as const } : {}),
  }));
  return { type, title, datasource: DATASOURCE, gridPos, targets, ...extra };
}

const seconds = { fieldConfig: { defaults: { unit: 's' }, overrides: [] } };

/**
 * Ferry's Grafana dashboard: reconcile status and durations (Flux's gotk_* metrics), artifact revisions produced,
 * notification deliveries and the event pipeline. `${datasource}` lets one JSON serve the in-cluster Grafana
 * (ConfigMap) and docker-compose's (provisioned file).
 */
export function grafanaDashboard(): Record<string, unknown> {
  const filter = 'kind=~"$kind", namespace=~"$namespace"';
  return {
    uid: 'ferry-reconciliation',
    title: 'Ferry / Reconciliation',
    tags: ['ferry', 'flux', 'gitops'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    timezone: 'utc',
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0 },
        {
          name: 'kind',
          label: 'Kind',
          type: 'query',
          datasource: DATASOURCE,
          query: { query: 'label_values(gotk_reconcile_condition, kind)', refId: 'kind' },
          includeAll: true,
          multi: true,
          current: { text: 'All', value: '$__all' },
          refresh: 2,
        },
        {
          name: 'namespace',
          label: 'Namespace',
          type: 'query',
          datasource: DATASOURCE,
          query: { query: 'label_values(gotk_reconcile_condition, namespace)', refId: 'namespace' },
          includeAll: true,
          multi: true,
          current: { text: 'All', value: '$__all' },
          refresh: 2,
        },
      ],
    },
    panels: [
      panel('stat', 'Ready', { x: 0, y: 0, w: 6, h: 4 }, [[`sum(gotk_reconcile_condition{${filter}, type="Ready", status="True"})`, 'ready']], {
        fieldConfig: { defaults: { color: { mode: 'fixed', fixedColor: 'green' } }, overrides: [] },
      }),
      panel('stat', 'Failing', { x: 6, y: 0, w: 6, h: 4 }, [[`sum(gotk_reconcile_condition{${filter}, type="Ready", status="False"})`, 'failing']], {
        fieldConfig: { defaults: { thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 1 }] } }, overrides: [] },
      }),
      panel('stat', 'Suspended', { x: 12, y: 0, w: 6, h: 4 }, [[`sum(gotk_suspend_status{${filter}})`, 'suspended']], {
        fieldConfig: { defaults: { thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'orange', value: 1 }] } }, overrides: [] },
      }),
      panel('stat', 'Artifact revisions (24h)', { x: 18, y: 0, w: 6, h: 4 }, [['sum(increase(ferry_events_published_total{type="ArtifactReady"}[24h]))', 'revisions']]),
      panel('table', 'Failing objects', { x: 0, y: 4, w: 24, h: 6 }, [
        [`max by (kind, namespace, name) (gotk_reconcile_condition{${filter}, type="Ready", status="False"}) == 1`, ''],
      ]),
      panel(
        'timeseries',
        'Reconcile duration p50 / p95 by kind',
        { x: 0, y: 10, w: 12, h: 8 },
        [
          [`histogram_quantile(0.50, sum by (kind, le) (rate(gotk_reconcile_duration_seconds_bucket{${filter}}[$__rate_interval])))`, 'p50 {{kind}}'],
          [`histogram_quantile(0.95, sum by (kind, le) (rate(gotk_reconcile_duration_seconds_bucket{${filter}}[$__rate_interval])))`, 'p95 {{kind}}'],
        ],
        seconds,
      ),
      panel(
        'timeseries',
        'Mean reconcile duration by object',
        { x: 12, y: 10, w: 12, h: 8 },
        [
          [
            `sum by (kind, namespace, name) (rate(gotk_reconcile_duration_seconds_sum{${filter}}[$__rate_interval])) / sum by (kind, namespace, name) (rate(gotk_reconcile_duration_seconds_count{${filter}}[$__rate_interval]))`,
            '{{kind}} {{namespace}}/{{name}}',
          ],
        ],
        seconds,
      ),
      panel('timeseries', 'Failing objects over time', { x: 0, y: 18, w: 12, h: 8 }, [
        [`sum by (kind) (gotk_reconcile_condition{${filter}, type="Ready", status="False"})`, '{{kind}}'],
      ]),
      panel('timeseries', 'Artifact revisions produced', { x: 12, y: 18, w: 12, h: 8 }, [
        ['sum(increase(ferry_events_published_total{type="ArtifactReady"}[$__rate_interval]))', 'ArtifactReady'],
        ['sum(increase(ferry_events_published_total{type="Applied"}[$__rate_interval]))', 'Applied'],
      ]),
      panel('timeseries', 'Notification deliveries by outcome', { x: 0, y: 26, w: 12, h: 8 }, [
        ['sum by (provider, outcome) (increase(ferry_notifications_total[$__rate_interval]))', '{{provider}} {{outcome}}'],
      ]),
      panel(
        'timeseries',
        'Notification delivery p95',
        { x: 12, y: 26, w: 12, h: 8 },
        [['histogram_quantile(0.95, sum by (provider, le) (rate(ferry_notification_duration_seconds_bucket[$__rate_interval])))', '{{provider}}']],
        seconds,
      ),
      panel('timeseries', 'Events published by type', { x: 0, y: 34, w: 24, h: 8 }, [
        ['sum by (service, type) (rate(ferry_events_published_total[$__rate_interval]))', '{{service}} {{type}}'],
      ]),
    ].map((entry, index) => ({ id: index + 1, ...entry })),
  };
}

import type { KubeObject } from '@ferry/kube';

/** One Prometheus alerting rule. */
interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: 'critical' | 'warning' | 'info' };
  annotations: { summary: string; description: string };
}

const OBJECT = 'kind, name, namespace';

/**
 * Ferry's alerts, on Flux's metric names (libs/observability metrics.ts), so Flux's runbooks and dashboards
 * apply unchanged. `max by` collapses replicas: every replica of a service exports the same object.
 */
export const FERRY_ALERTS: AlertRule[] = [
  {
    alert: 'FerryReconciliationFailure',
    expr: `max by (${OBJECT}) (gotk_reconcile_condition{type="Ready",status="False"}) == 1`,
    for: '10m',
    labels: { severity: 'warning' },
    annotations: {
      summary: '{{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.name }} is not Ready',
      description: 'Reconciliation of {{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.name }} has been failing for 10 minutes (Ready=False). See `ferry events` and the object\'s status.',
    },
  },
  {
    alert: 'FerryReconciliationStalled',
    // Stalled=True: the object cannot make progress without a change (Flux's kstatus), and a Ready that stays
    // Unknown is a reconcile that never finishes.
    expr: `max by (${OBJECT}) (gotk_reconcile_condition{type="Stalled",status="True"}) == 1 or max by (${OBJECT}) (gotk_reconcile_condition{type="Ready",status="Unknown"}) == 1`,
    for: '15m',
    labels: { severity: 'warning' },
    annotations: {
      summary: '{{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.name }} is stalled',
      description: 'Reconciliation of {{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.name }} has made no progress for 15 minutes (Stalled=True or Ready=Unknown).',
    },
  },
  {
    alert: 'FerryResourceSuspended',
    expr: `max by (${OBJECT}) (gotk_suspend_status) == 1`,
    for: '1h',
    labels: { severity: 'info' },
    annotations: {
      summary: '{{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.name }} is suspended',
      description: '{{ $labels.kind }} {{ $labels.namespace }}/{{ $labels.name }} has been suspended for an hour: changes in git are not applied. Resume it with `ferry resume`.',
    },
  },
  {
    alert: 'FerryNotificationFailures',
    expr: 'sum by (provider) (increase(ferry_notifications_total{outcome="failed"}[15m])) > 0',
    for: '15m',
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Notifications to {{ $labels.provider }} providers are failing',
      description: '{{ $value }} deliveries to {{ $labels.provider }} providers failed in the last 15 minutes.',
    },
  },
  {
    alert: 'FerryComponentDown',
    expr: 'up{job=~"source|reconciler|notifier"} == 0',
    for: '5m',
    labels: { severity: 'critical' },
    annotations: {
      summary: 'Ferry {{ $labels.job }} is down',
      description: 'Prometheus has not been able to scrape {{ $labels.job }} ({{ $labels.instance }}) for 5 minutes.',
    },
  },
];

/** The prometheus-operator PrometheusRule carrying FERRY_ALERTS. */
export function prometheusRule(namespace: string): KubeObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'ferry',
      namespace,
      labels: { 'app.kubernetes.io/part-of': 'ferry', 'app.kubernetes.io/instance': 'ferry', 'app.kubernetes.io/component': 'monitoring' },
    },
    spec: { groups: [{ name: 'ferry', rules: FERRY_ALERTS }] },
  };
}

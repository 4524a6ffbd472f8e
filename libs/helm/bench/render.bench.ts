import * as path from 'node:path';
import { loadChartDirectory, loadChartFiles, renderChart, type Chart } from '../src/index';

// Render time and heap of Ferry's Helm engine on podinfo's chart and on a generated chart of 500 templates
// (Deployments built from helpers, toYaml and ranges, as real charts do), against the reconcile budget.
const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);
const TEMPLATES = Number(process.env['BENCH_TEMPLATES'] ?? 500);

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function generatedChart(n: number): Chart {
  const files: Record<string, string> = {
    'Chart.yaml': 'apiVersion: v2\nname: big\nversion: 1.0.0\nappVersion: "1.0"\n',
    'values.yaml': [
      'image: {repository: registry.example.com/app, tag: "1.0"}',
      'resources: {limits: {cpu: 500m, memory: 256Mi}, requests: {cpu: 100m, memory: 64Mi}}',
      'env: {MODE: production, LOG_LEVEL: info, FEATURE_X: "true"}',
      'replicas: 2',
    ].join('\n'),
    'templates/_helpers.tpl': [
      '{{- define "big.fullname" -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end }}',
      '{{- define "big.labels" -}}',
      'helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}',
      'app.kubernetes.io/instance: {{ .Release.Name }}',
      'app.kubernetes.io/managed-by: {{ .Release.Service }}',
      '{{- end }}',
    ].join('\n'),
  };
  for (let i = 0; i < n; i++) {
    files[`templates/app-${i}.yaml`] = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: {{ include "big.fullname" . }}-${i}`,
      '  labels:',
      '    {{- include "big.labels" . | nindent 4 }}',
      'spec:',
      '  replicas: {{ .Values.replicas }}',
      '  template:',
      '    spec:',
      '      containers:',
      `        - name: app-${i}`,
      '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"',
      '          env:',
      '          {{- range $k, $v := .Values.env }}',
      '            - name: {{ $k }}',
      '              value: {{ $v | quote }}',
      '          {{- end }}',
      '          resources:',
      '            {{- toYaml .Values.resources | nindent 12 }}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      `  name: {{ include "big.fullname" . }}-${i}`,
      'spec:',
      '  ports:',
      '    - port: 80',
    ].join('\n');
  }
  return loadChartFiles(files);
}

function measure(label: string, chart: Chart): void {
  const options = { release: { name: 'bench', namespace: 'default', revision: 1, isInstall: true, isUpgrade: false }, kubeVersion: 'v1.32.0' };
  const times: number[] = [];
  let objects = 0;
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  for (let run = 0; run < RUNS; run++) {
    const start = process.hrtime.bigint();
    const rendered = renderChart(chart, {}, options);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    objects = rendered.manifests.length + rendered.hooks.length;
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }
  const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
  console.log(
    `${label.padEnd(28)} objects ${String(objects).padStart(5)}  median ${median(times).toFixed(1).padStart(8)} ms  ` +
      `first ${(times[0] ?? 0).toFixed(1).padStart(8)} ms  heap +${mib(heapPeak - heapBefore)} MiB (rss ${mib(process.memoryUsage().rss)} MiB)`,
  );
}

measure('podinfo (defaults)', loadChartDirectory(path.resolve(__dirname, '../testdata/podinfo')));
measure(`generated (${TEMPLATES} templates)`, generatedChart(TEMPLATES));

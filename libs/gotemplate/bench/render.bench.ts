import { sprigFunctions, Template } from '../src/index';

// Parse and render time of a large Helm-like chart: shared helpers plus many manifests that range over values,
// include helpers through a re-entrant function and pipe through Sprig. Reports the median of several runs.
const FILES = Number(process.env['BENCH_FILES'] ?? 200);
const ITEMS = Number(process.env['BENCH_ITEMS'] ?? 50);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 7);

const helpers = `{{- define "app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "app.fullname" -}}
{{- printf "%s-%s" .Release.Name (include "app.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "app.labels" -}}
app.kubernetes.io/name: {{ include "app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}`;

function manifest(i: number): string {
  return `{{- if .Values.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}-${i}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount | int }}
  template:
    spec:
      containers:
        {{- range $idx, $c := .Values.containers }}
        - name: {{ $c.name | lower | quote }}
          image: "{{ $c.image }}:{{ $c.tag | default $.Chart.AppVersion }}"
          {{- if $c.env }}
          env:
            {{- range $k, $v := $c.env }}
            - name: {{ $k | upper | replace "-" "_" }}
              value: {{ $v | toString | quote }}
            {{- end }}
          {{- end }}
          resources: {{ toJson $c.resources }}
        {{- end }}
{{- end }}
`;
}

function values(): unknown {
  return {
    Chart: { Name: 'bench', Version: '1.0.0+meta', AppVersion: '2.3.4' },
    Release: { Name: 'prod' },
    Values: {
      enabled: true,
      replicaCount: 3,
      containers: Array.from({ length: ITEMS }, (_, i) => ({
        name: `Container-${i}`,
        image: 'registry.example.com/app',
        tag: i % 2 ? '' : `v${i}`,
        env: { 'log-level': 'debug', port: 8080 + i, flag: i % 3 === 0 },
        resources: { limits: { cpu: '500m', memory: '256Mi' } },
      })),
    },
  };
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

const texts = Array.from({ length: FILES }, (_, i) => manifest(i));
const data = values();
const parseMs: number[] = [];
const renderMs: number[] = [];
let bytes = 0;
for (let run = 0; run < RUNS; run++) {
  const t0 = process.hrtime.bigint();
  const t: Template = new Template('chart', { missingKey: 'zero' })
    .funcs(sprigFunctions)
    .funcs({ include: (name: unknown, d: unknown) => t.executeTemplate(String(name), d) });
  t.parse(helpers, '_helpers.tpl');
  texts.forEach((text, i) => t.parse(text, `templates/m${i}.yaml`));
  const t1 = process.hrtime.bigint();
  bytes = 0;
  for (let i = 0; i < FILES; i++) bytes += t.executeTemplate(`templates/m${i}.yaml`, data).length;
  const t2 = process.hrtime.bigint();
  parseMs.push(Number(t1 - t0) / 1e6);
  renderMs.push(Number(t2 - t1) / 1e6);
}
console.log(
  `${FILES} templates × ${ITEMS} containers → ${(bytes / 1024 / 1024).toFixed(1)} MiB of YAML: ` +
    `parse ${median(parseMs).toFixed(1)} ms, render ${median(renderMs).toFixed(1)} ms (median of ${RUNS})`,
);

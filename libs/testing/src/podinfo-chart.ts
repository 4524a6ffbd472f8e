import { stringify } from 'yaml';
import type { ChartFiles } from './helm-repository-server';

/** The default values of `podinfoLikeChart`. */
export const PODINFO_LIKE_DEFAULT_VALUES = {
  replicaCount: 1,
  image: { repository: 'ghcr.io/stefanprodan/podinfo', tag: '', pullPolicy: 'IfNotPresent' },
  service: { type: 'ClusterIP', httpPort: 9898 },
  ui: { color: '#34577c', message: '' },
  resources: { requests: { cpu: '1m', memory: '16Mi' } },
};

const HELPERS = `{{/*
Expand the name of the chart.
*/}}
{{- define "podinfo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name.
*/}}
{{- define "podinfo.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "podinfo.selectorLabels" -}}
app.kubernetes.io/name: {{ include "podinfo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "podinfo.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "podinfo.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "podinfo.fullname" . }}
  labels:
    {{- include "podinfo.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      {{- include "podinfo.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "podinfo.selectorLabels" . | nindent 8 }}
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          env:
            - name: PODINFO_UI_COLOR
              value: {{ .Values.ui.color | quote }}
            {{- if .Values.ui.message }}
            - name: PODINFO_UI_MESSAGE
              value: {{ .Values.ui.message | quote }}
            {{- end }}
          ports:
            - name: http
              containerPort: {{ .Values.service.httpPort }}
              protocol: TCP
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: {{ include "podinfo.fullname" . }}
  labels:
    {{- include "podinfo.labels" . | nindent 4 }}
spec:
  type: {{ .Values.service.type }}
  ports:
    - port: {{ .Values.service.httpPort }}
      targetPort: http
      protocol: TCP
      name: http
  selector:
    {{- include "podinfo.selectorLabels" . | nindent 4 }}
`;

/**
 * A small chart shaped like stefanprodan/podinfo's (Chart.yaml, values.yaml, a Deployment, a Service and
 * `_helpers.tpl` with `define`/`include`/`nindent`/`toYaml`), as a file map for `HelmRepositoryServer.publish`
 * or a Git commit. `values` replaces top-level keys of the default values; appVersion follows the version.
 */
export function podinfoLikeChart(version: string, values: Record<string, unknown> = {}, name = 'podinfo'): ChartFiles {
  return {
    'Chart.yaml': stringify({
      apiVersion: 'v2',
      name,
      version,
      appVersion: version.replace(/\+.*$/, ''),
      description: 'Podinfo-like Helm chart for Ferry tests',
      type: 'application',
      kubeVersion: '>=1.23.0-0',
    }),
    'values.yaml': stringify({ ...PODINFO_LIKE_DEFAULT_VALUES, ...values }),
    'templates/_helpers.tpl': HELPERS,
    'templates/deployment.yaml': DEPLOYMENT,
    'templates/service.yaml': SERVICE,
    '.helmignore': '.git/\n*.swp\n',
  };
}

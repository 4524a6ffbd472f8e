import { z } from 'zod';
import { gitRepositorySpecSchema, gitRepositoryStatusSchema } from './git-repository.v1';
import { kustomizationSpecSchema, kustomizationStatusSchema } from './kustomization.v1';
import {
  helmChartSpecSchema,
  helmChartStatusSchema,
  helmReleaseSpecSchema,
  helmReleaseStatusSchema,
  helmRepositorySpecSchema,
  helmRepositoryStatusSchema,
} from './helm';
import { alertSpecSchema, providerSpecSchema, receiverSpecSchema } from './notification';
import { reconcileStatusFields } from './meta';

/** A CustomResourceDefinition object (apiextensions.k8s.io/v1). */
export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
}

// Structural schemas (what the API server requires of CRDs) may not say additionalProperties: false.
function structural(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(structural);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  const preservesUnknown = 'x-kubernetes-preserve-unknown-fields' in schema;
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || (key === 'additionalProperties' && (value === false || preservesUnknown))) continue;
    out[key] = structural(value);
  }
  return out;
}

function openApi(schema: z.ZodType): unknown {
  return structural(z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0' }));
}

const readyColumns = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message' },
];

function crd(options: {
  group: string;
  version: string;
  kind: string;
  plural: string;
  shortNames: string[];
  spec: z.ZodType;
  status: z.ZodType;
  columns?: Array<Record<string, string>>;
}): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${options.plural}.${options.group}`,
      labels: { 'app.kubernetes.io/part-of': 'ferry', 'app.kubernetes.io/component': options.group.split('.')[0] ?? options.group },
    },
    spec: {
      group: options.group,
      names: {
        kind: options.kind,
        listKind: `${options.kind}List`,
        plural: options.plural,
        singular: options.kind.toLowerCase(),
        shortNames: options.shortNames,
        categories: ['flux'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: options.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: options.columns ?? readyColumns,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: openApi(options.spec),
                status: openApi(options.status),
              },
            },
          },
        },
      ],
    },
  };
}

const basicStatus = z.object(reconcileStatusFields);

/** The CRDs of every Flux API Ferry serves, generated from the same schemas that validate them. */
export function fluxCustomResourceDefinitions(): CustomResourceDefinition[] {
  return [
    crd({
      group: 'source.toolkit.fluxcd.io',
      version: 'v1',
      kind: 'GitRepository',
      plural: 'gitrepositories',
      shortNames: ['gitrepo'],
      spec: gitRepositorySpecSchema,
      status: gitRepositoryStatusSchema,
      columns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...readyColumns],
    }),
    crd({
      group: 'kustomize.toolkit.fluxcd.io',
      version: 'v1',
      kind: 'Kustomization',
      plural: 'kustomizations',
      shortNames: ['ks'],
      spec: kustomizationSpecSchema,
      status: kustomizationStatusSchema,
    }),
    crd({
      group: 'source.toolkit.fluxcd.io',
      version: 'v1',
      kind: 'HelmRepository',
      plural: 'helmrepositories',
      shortNames: ['helmrepo'],
      spec: helmRepositorySpecSchema,
      status: helmRepositoryStatusSchema,
      columns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...readyColumns],
    }),
    crd({
      group: 'source.toolkit.fluxcd.io',
      version: 'v1',
      kind: 'HelmChart',
      plural: 'helmcharts',
      shortNames: ['hc'],
      spec: helmChartSpecSchema,
      status: helmChartStatusSchema,
      columns: [
        { name: 'Chart', type: 'string', jsonPath: '.spec.chart' },
        { name: 'Version', type: 'string', jsonPath: '.spec.version' },
        { name: 'Source Kind', type: 'string', jsonPath: '.spec.sourceRef.kind' },
        { name: 'Source Name', type: 'string', jsonPath: '.spec.sourceRef.name' },
        ...readyColumns,
      ],
    }),
    crd({
      group: 'helm.toolkit.fluxcd.io',
      version: 'v2',
      kind: 'HelmRelease',
      plural: 'helmreleases',
      shortNames: ['hr'],
      spec: helmReleaseSpecSchema,
      status: helmReleaseStatusSchema,
    }),
    crd({ group: 'notification.toolkit.fluxcd.io', version: 'v1beta3', kind: 'Provider', plural: 'providers', shortNames: [], spec: providerSpecSchema, status: basicStatus }),
    crd({ group: 'notification.toolkit.fluxcd.io', version: 'v1beta3', kind: 'Alert', plural: 'alerts', shortNames: [], spec: alertSpecSchema, status: basicStatus }),
    crd({
      group: 'notification.toolkit.fluxcd.io',
      version: 'v1',
      kind: 'Receiver',
      plural: 'receivers',
      shortNames: [],
      spec: receiverSpecSchema,
      status: basicStatus.extend({ webhookPath: z.string().optional() }),
    }),
  ];
}

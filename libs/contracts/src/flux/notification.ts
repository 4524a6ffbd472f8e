import { z } from 'zod';
import { durationSchema, localObjectReferenceSchema, objectMetaSchema, reconcileStatusFields } from './meta';

/** API group/version of Provider and Alert. */
export const NOTIFICATION_V1BETA3 = 'notification.toolkit.fluxcd.io/v1beta3';
/** API group/version of Receiver. */
export const NOTIFICATION_V1 = 'notification.toolkit.fluxcd.io/v1';

/** Provider types Flux's notification-controller knows. */
export const providerTypeSchema = z.enum([
  'slack',
  'discord',
  'msteams',
  'rocket',
  'generic',
  'generic-hmac',
  'github',
  'gitlab',
  'gitea',
  'bitbucketserver',
  'bitbucket',
  'azuredevops',
  'googlechat',
  'googlepubsub',
  'webex',
  'sentry',
  'azureeventhub',
  'telegram',
  'lark',
  'matrix',
  'opsgenie',
  'alertmanager',
  'grafana',
  'githubdispatch',
  'pagerduty',
  'datadog',
  'nats',
]);

/** `notification.toolkit.fluxcd.io/v1beta3` Provider spec. */
export const providerSpecSchema = z.object({
  type: providerTypeSchema,
  interval: durationSchema.optional(),
  channel: z.string().max(2048).optional(),
  username: z.string().max(2048).optional(),
  address: z.string().max(2048).optional(),
  timeout: durationSchema.optional(),
  proxy: z.string().max(2048).optional(),
  secretRef: localObjectReferenceSchema.optional(),
  certSecretRef: localObjectReferenceSchema.optional(),
  suspend: z.boolean().default(false),
});

/** A Provider: where and how alerts are sent. */
export const providerSchema = z.object({
  apiVersion: z.literal(NOTIFICATION_V1BETA3),
  kind: z.literal('Provider'),
  metadata: objectMetaSchema,
  spec: providerSpecSchema,
  status: z.object(reconcileStatusFields).optional(),
});

/** A Provider with defaults applied. */
export type Provider = z.infer<typeof providerSchema>;

/** Which objects' events an Alert (or a Receiver) refers to. `name: "*"` matches every name. */
export const crossNamespaceObjectReferenceSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.enum([
    'Bucket',
    'GitRepository',
    'Kustomization',
    'HelmRelease',
    'HelmChart',
    'HelmRepository',
    'ImageRepository',
    'ImagePolicy',
    'ImageUpdateAutomation',
    'OCIRepository',
  ]),
  name: z.string().min(1).max(53),
  namespace: z.string().max(53).optional(),
  matchLabels: z.record(z.string(), z.string()).optional(),
});

/** `notification.toolkit.fluxcd.io/v1beta3` Alert spec. */
export const alertSpecSchema = z.object({
  providerRef: localObjectReferenceSchema,
  eventSeverity: z.enum(['info', 'error']).default('info'),
  eventSources: z.array(crossNamespaceObjectReferenceSchema),
  inclusionList: z.array(z.string()).optional(),
  eventMetadata: z.record(z.string(), z.string()).optional(),
  exclusionList: z.array(z.string()).optional(),
  summary: z.string().max(255).optional(),
  suspend: z.boolean().default(false),
});

/** An Alert: which events go to which Provider. */
export const alertSchema = z.object({
  apiVersion: z.literal(NOTIFICATION_V1BETA3),
  kind: z.literal('Alert'),
  metadata: objectMetaSchema,
  spec: alertSpecSchema,
  status: z.object(reconcileStatusFields).optional(),
});

/** An Alert with defaults applied. */
export type Alert = z.infer<typeof alertSchema>;

/** Receiver types Flux's notification-controller knows. */
export const receiverTypeSchema = z.enum([
  'generic',
  'generic-hmac',
  'github',
  'gitlab',
  'bitbucket',
  'harbor',
  'dockerhub',
  'quay',
  'gcr',
  'nexus',
  'acr',
  'cdevents',
]);

/** `notification.toolkit.fluxcd.io/v1` Receiver spec. */
export const receiverSpecSchema = z.object({
  type: receiverTypeSchema,
  interval: durationSchema.default('10m'),
  events: z.array(z.string()).optional(),
  resources: z.array(crossNamespaceObjectReferenceSchema),
  resourceFilter: z.string().optional(),
  secretRef: localObjectReferenceSchema,
  suspend: z.boolean().default(false),
});

/** A Receiver: an HTTP endpoint whose valid calls trigger reconciles. */
export const receiverSchema = z.object({
  apiVersion: z.literal(NOTIFICATION_V1),
  kind: z.literal('Receiver'),
  metadata: objectMetaSchema,
  spec: receiverSpecSchema,
  status: z.object({ ...reconcileStatusFields, webhookPath: z.string().optional() }).optional(),
});

/** A Receiver with defaults applied. */
export type Receiver = z.infer<typeof receiverSchema>;

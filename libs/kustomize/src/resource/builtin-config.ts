import type { FieldSpec } from './field-spec';
import type { Gvk } from './res-id';

/** Fields one kind uses to refer to objects of another kind by name. */
export interface NameBackReference {
  referral: Partial<Gvk> & { kind: string };
  fieldSpecs: FieldSpec[];
}

/** The field-spec tables the builtin transformers use; kustomizations extend them with `configurations`. */
export interface TransformerConfig {
  namePrefix: FieldSpec[];
  nameSuffix: FieldSpec[];
  namespace: FieldSpec[];
  commonLabels: FieldSpec[];
  templateLabels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  nameReference: NameBackReference[];
  varReference: FieldSpec[];
  images: FieldSpec[];
  replicas: FieldSpec[];
}

const WORKLOADS: [string, string, string][] = [
  // kind, group (empty: any), pod spec path
  ['Deployment', '', 'spec/template/spec'],
  ['ReplicaSet', '', 'spec/template/spec'],
  ['DaemonSet', '', 'spec/template/spec'],
  ['StatefulSet', 'apps', 'spec/template/spec'],
  ['Job', 'batch', 'spec/template/spec'],
  ['CronJob', 'batch', 'spec/jobTemplate/spec/template/spec'],
  ['ReplicationController', '', 'spec/template/spec'],
  ['Pod', '', 'spec'],
];

function podPaths(rel: string[]): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const [kind, group, base] of WORKLOADS) {
    for (const r of rel) out.push(group ? { group, kind, path: `${base}/${r}` } : { kind, path: `${base}/${r}` });
  }
  return out;
}

function selectorSpecs(): FieldSpec[] {
  const affinity = (group: string, kind: string): FieldSpec[] =>
    [
      'podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
      'podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
      'podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
      'podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
    ]
      .map((p) => ({ group, kind, path: `spec/template/spec/affinity/${p}`, create: false }))
      .concat([{ group, kind, path: 'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels', create: false }]);
  return [
    { path: 'metadata/labels', create: true },
    { version: 'v1', kind: 'Service', path: 'spec/selector', create: true },
    { version: 'v1', kind: 'ReplicationController', path: 'spec/selector', create: true },
    { version: 'v1', kind: 'ReplicationController', path: 'spec/template/metadata/labels', create: true },
    { kind: 'Deployment', path: 'spec/selector/matchLabels', create: true },
    { kind: 'Deployment', path: 'spec/template/metadata/labels', create: true },
    ...affinity('apps', 'Deployment'),
    { kind: 'ReplicaSet', path: 'spec/selector/matchLabels', create: true },
    { kind: 'ReplicaSet', path: 'spec/template/metadata/labels', create: true },
    { kind: 'DaemonSet', path: 'spec/selector/matchLabels', create: true },
    { kind: 'DaemonSet', path: 'spec/template/metadata/labels', create: true },
    { group: 'apps', kind: 'StatefulSet', path: 'spec/selector/matchLabels', create: true },
    { group: 'apps', kind: 'StatefulSet', path: 'spec/template/metadata/labels', create: true },
    ...affinity('apps', 'StatefulSet'),
    { group: 'apps', kind: 'StatefulSet', path: 'spec/volumeClaimTemplates[]/metadata/labels', create: true },
    { group: 'batch', kind: 'Job', path: 'spec/selector/matchLabels', create: false },
    { group: 'batch', kind: 'Job', path: 'spec/template/metadata/labels', create: true },
    { group: 'batch', kind: 'CronJob', path: 'spec/jobTemplate/spec/selector/matchLabels', create: false },
    { group: 'batch', kind: 'CronJob', path: 'spec/jobTemplate/metadata/labels', create: true },
    { group: 'batch', kind: 'CronJob', path: 'spec/jobTemplate/spec/template/metadata/labels', create: true },
    { group: 'policy', kind: 'PodDisruptionBudget', path: 'spec/selector/matchLabels', create: false },
    { group: 'networking.k8s.io', kind: 'NetworkPolicy', path: 'spec/podSelector/matchLabels', create: false },
    { group: 'networking.k8s.io', kind: 'NetworkPolicy', path: 'spec/ingress/from/podSelector/matchLabels', create: false },
    { group: 'networking.k8s.io', kind: 'NetworkPolicy', path: 'spec/egress/to/podSelector/matchLabels', create: false },
  ];
}

function templateLabelSpecs(): FieldSpec[] {
  return [
    { version: 'v1', kind: 'ReplicationController', path: 'spec/template/metadata/labels', create: true },
    { kind: 'Deployment', path: 'spec/template/metadata/labels', create: true },
    { kind: 'ReplicaSet', path: 'spec/template/metadata/labels', create: true },
    { kind: 'DaemonSet', path: 'spec/template/metadata/labels', create: true },
    { group: 'apps', kind: 'StatefulSet', path: 'spec/template/metadata/labels', create: true },
    { group: 'batch', kind: 'Job', path: 'spec/template/metadata/labels', create: true },
    { group: 'batch', kind: 'CronJob', path: 'spec/jobTemplate/metadata/labels', create: true },
    { group: 'batch', kind: 'CronJob', path: 'spec/jobTemplate/spec/template/metadata/labels', create: true },
  ];
}

function annotationSpecs(): FieldSpec[] {
  return [
    { path: 'metadata/annotations', create: true },
    { version: 'v1', kind: 'ReplicationController', path: 'spec/template/metadata/annotations', create: true },
    { kind: 'Deployment', path: 'spec/template/metadata/annotations', create: true },
    { kind: 'ReplicaSet', path: 'spec/template/metadata/annotations', create: true },
    { kind: 'DaemonSet', path: 'spec/template/metadata/annotations', create: true },
    { group: 'apps', kind: 'StatefulSet', path: 'spec/template/metadata/annotations', create: true },
    { group: 'batch', kind: 'Job', path: 'spec/template/metadata/annotations', create: true },
    { group: 'batch', kind: 'CronJob', path: 'spec/jobTemplate/metadata/annotations', create: true },
    { group: 'batch', kind: 'CronJob', path: 'spec/jobTemplate/spec/template/metadata/annotations', create: true },
  ];
}

function nameReferences(): NameBackReference[] {
  const containers = (rel: string): string[] => [`containers/${rel}`, `initContainers/${rel}`];
  const ingress = (paths: string[]): FieldSpec[] =>
    paths.flatMap((path) => [
      { group: 'networking.k8s.io', kind: 'Ingress', path },
      { group: 'extensions', kind: 'Ingress', path },
    ]);
  // kustomize follows Service renames into APIService only; webhook configurations and CRD conversion
  // webhooks keep the name they were written with.
  const webhookService: FieldSpec[] = [{ group: 'apiregistration.k8s.io', kind: 'APIService', path: 'spec/service/name' }];
  const hpa = (kind: string): NameBackReference => ({
    referral: { kind },
    fieldSpecs: [{ kind: 'HorizontalPodAutoscaler', path: 'spec/scaleTargetRef/name' }],
  });
  return [
    {
      referral: { version: 'v1', kind: 'ConfigMap' },
      fieldSpecs: podPaths([
        'volumes/configMap/name',
        'volumes/projected/sources/configMap/name',
        ...containers('env/valueFrom/configMapKeyRef/name'),
        ...containers('envFrom/configMapRef/name'),
      ]),
    },
    {
      referral: { version: 'v1', kind: 'Secret' },
      fieldSpecs: [
        ...podPaths([
          'volumes/secret/secretName',
          'volumes/projected/sources/secret/name',
          ...containers('env/valueFrom/secretKeyRef/name'),
          ...containers('envFrom/secretRef/name'),
          'imagePullSecrets/name',
        ]),
        ...ingress(['spec/tls/secretName']),
        { kind: 'ServiceAccount', path: 'imagePullSecrets/name' },
        { kind: 'ServiceAccount', path: 'secrets/name' },
      ],
    },
    {
      referral: { version: 'v1', kind: 'Service' },
      fieldSpecs: [
        { group: 'apps', kind: 'StatefulSet', path: 'spec/serviceName' },
        ...ingress([
          'spec/rules/http/paths/backend/serviceName',
          'spec/backend/serviceName',
          'spec/rules/http/paths/backend/service/name',
          'spec/defaultBackend/service/name',
        ]),
        ...webhookService,
      ],
    },
    {
      referral: { group: 'rbac.authorization.k8s.io', kind: 'Role' },
      fieldSpecs: [{ group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', path: 'roleRef/name' }],
    },
    {
      referral: { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
      fieldSpecs: [
        { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', path: 'roleRef/name' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding', path: 'roleRef/name' },
      ],
    },
    {
      referral: { version: 'v1', kind: 'ServiceAccount' },
      fieldSpecs: [
        { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', path: 'subjects' },
        { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding', path: 'subjects' },
        ...podPaths(['serviceAccountName', 'serviceAccount']),
      ],
    },
    {
      referral: { version: 'v1', kind: 'PersistentVolumeClaim' },
      fieldSpecs: podPaths(['volumes/persistentVolumeClaim/claimName']),
    },
    {
      referral: { version: 'v1', kind: 'PersistentVolume' },
      fieldSpecs: [{ kind: 'PersistentVolumeClaim', path: 'spec/volumeName' }],
    },
    {
      referral: { kind: 'StorageClass' },
      fieldSpecs: [
        { kind: 'PersistentVolumeClaim', path: 'spec/storageClassName' },
        { kind: 'PersistentVolume', path: 'spec/storageClassName' },
        { group: 'apps', kind: 'StatefulSet', path: 'spec/volumeClaimTemplates/spec/storageClassName' },
      ],
    },
    { referral: { kind: 'PriorityClass' }, fieldSpecs: podPaths(['priorityClassName']) },
    hpa('Deployment'),
    hpa('ReplicaSet'),
    hpa('StatefulSet'),
    hpa('ReplicationController'),
  ];
}

function varReferences(): FieldSpec[] {
  const rel = [
    'containers/args',
    'containers/command',
    'containers/env/value',
    'containers/volumeMounts/mountPath',
    'initContainers/args',
    'initContainers/command',
    'initContainers/env/value',
    'initContainers/volumeMounts/mountPath',
    'volumes/nfs/server',
  ];
  return [
    ...podPaths(rel),
    { kind: 'Ingress', path: 'spec/rules/host' },
    { kind: 'Ingress', path: 'spec/tls/hosts' },
    { kind: 'Ingress', path: 'spec/tls/secretName' },
    { kind: 'Ingress', path: 'metadata/annotations' },
    { kind: 'Service', path: 'metadata/annotations' },
    { kind: 'ConfigMap', path: 'data' },
    { group: 'apps', kind: 'StatefulSet', path: 'spec/serviceName' },
  ];
}

/** The builtin tables (kustomize's defaults, written from the Kubernetes API conventions). */
export function defaultTransformerConfig(): TransformerConfig {
  const images: FieldSpec[] = [
    'spec/containers',
    'spec/initContainers',
    'spec/template/spec/containers',
    'spec/template/spec/initContainers',
    'spec/jobTemplate/spec/template/spec/containers',
    'spec/jobTemplate/spec/template/spec/initContainers',
  ].map((path) => ({ path }));
  return {
    namePrefix: [{ path: 'metadata/name' }],
    nameSuffix: [{ path: 'metadata/name' }],
    namespace: [
      { path: 'metadata/namespace', create: true },
      { group: 'apiregistration.k8s.io', kind: 'APIService', path: 'spec/service/namespace' },
      { kind: 'CustomResourceDefinition', path: 'spec/conversion/webhook/clientConfig/service/namespace' },
    ],
    commonLabels: selectorSpecs(),
    templateLabels: templateLabelSpecs(),
    commonAnnotations: annotationSpecs(),
    nameReference: nameReferences(),
    varReference: varReferences(),
    images,
    replicas: [
      { kind: 'Deployment', path: 'spec/replicas', create: true },
      { kind: 'StatefulSet', path: 'spec/replicas', create: true },
      { kind: 'ReplicaSet', path: 'spec/replicas', create: true },
      { kind: 'ReplicationController', path: 'spec/replicas', create: true },
    ],
  };
}

function specKey(f: FieldSpec): string {
  return `${f.group ?? ''}|${f.version ?? ''}|${f.kind ?? ''}|${f.path}`;
}

/** Appends specs not already present (kustomize's FsSlice.MergeAll). */
export function mergeSpecs(into: FieldSpec[], more: readonly FieldSpec[]): FieldSpec[] {
  const seen = new Set(into.map(specKey));
  const out = into.slice();
  for (const f of more) {
    if (!seen.has(specKey(f))) {
      seen.add(specKey(f));
      out.push(f);
    }
  }
  return out;
}

/** Combines two configs, as kustomize does when it accumulates `configurations` from bases. */
export function mergeConfig(a: TransformerConfig, b: Partial<TransformerConfig>): TransformerConfig {
  const nameReference = a.nameReference.map((n) => ({ ...n, fieldSpecs: n.fieldSpecs.slice() }));
  for (const nb of b.nameReference ?? []) {
    const same = nameReference.find(
      (n) =>
        n.referral.kind === nb.referral.kind &&
        (n.referral.group ?? '') === (nb.referral.group ?? '') &&
        (n.referral.version ?? '') === (nb.referral.version ?? ''),
    );
    if (same) same.fieldSpecs = mergeSpecs(same.fieldSpecs, nb.fieldSpecs);
    else nameReference.push({ referral: nb.referral, fieldSpecs: nb.fieldSpecs.slice() });
  }
  return {
    namePrefix: mergeSpecs(a.namePrefix, b.namePrefix ?? []),
    nameSuffix: mergeSpecs(a.nameSuffix, b.nameSuffix ?? []),
    namespace: mergeSpecs(a.namespace, b.namespace ?? []),
    commonLabels: mergeSpecs(a.commonLabels, b.commonLabels ?? []),
    templateLabels: mergeSpecs(a.templateLabels, b.templateLabels ?? []),
    commonAnnotations: mergeSpecs(a.commonAnnotations, b.commonAnnotations ?? []),
    nameReference,
    varReference: mergeSpecs(a.varReference, b.varReference ?? []),
    images: mergeSpecs(a.images, b.images ?? []),
    replicas: mergeSpecs(a.replicas, b.replicas ?? []),
  };
}

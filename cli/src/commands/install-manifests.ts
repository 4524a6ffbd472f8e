import { fluxCustomResourceDefinitions } from '@ferry/contracts';
import type { KubeObject } from '@ferry/kube';

/** A Ferry service as it runs in the cluster. */
interface Component {
  name: 'source' | 'reconciler' | 'notifier';
  port: number;
  /** Extra ClusterRole rules beyond reading and updating its own kinds. */
  rules: Array<Record<string, string[]>>;
}

/** Options of the generated install. */
export interface InstallOptions {
  namespace: string;
  version: string;
  /** Image registry the component images come from, e.g. `ghcr.io/ferry`. */
  registry: string;
  natsImage: string;
}

const FLUX_GROUPS = {
  source: 'source.toolkit.fluxcd.io',
  kustomize: 'kustomize.toolkit.fluxcd.io',
  helm: 'helm.toolkit.fluxcd.io',
  notification: 'notification.toolkit.fluxcd.io',
};

const READ = ['get', 'list', 'watch'];
const WRITE_STATUS = ['get', 'patch', 'update'];
const EVENTS = [
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
];

// Ports are the services' defaults (services/*/src/config.ts), so the same images run outside the cluster unchanged.
const COMPONENTS: Component[] = [
  {
    name: 'source',
    port: 9790,
    rules: [
      { apiGroups: [FLUX_GROUPS.source], resources: ['gitrepositories', 'helmrepositories', 'helmcharts'], verbs: [...READ, 'patch', 'update'] },
      { apiGroups: [FLUX_GROUPS.source], resources: ['gitrepositories/status', 'helmrepositories/status', 'helmcharts/status'], verbs: WRITE_STATUS },
      { apiGroups: [FLUX_GROUPS.source], resources: ['gitrepositories/finalizers', 'helmrepositories/finalizers', 'helmcharts/finalizers'], verbs: ['update'] },
      // Git and Helm repository credentials (spec.secretRef, spec.certSecretRef) live in the source's namespace.
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
      ...EVENTS,
    ],
  },
  {
    name: 'reconciler',
    port: 9791,
    rules: [
      { apiGroups: [FLUX_GROUPS.kustomize], resources: ['kustomizations'], verbs: [...READ, 'patch', 'update'] },
      { apiGroups: [FLUX_GROUPS.kustomize], resources: ['kustomizations/status'], verbs: WRITE_STATUS },
      { apiGroups: [FLUX_GROUPS.kustomize], resources: ['kustomizations/finalizers'], verbs: ['update'] },
      { apiGroups: [FLUX_GROUPS.source], resources: ['gitrepositories'], verbs: READ },
      { apiGroups: [FLUX_GROUPS.helm], resources: ['helmreleases'], verbs: [...READ, 'patch', 'update'] },
      { apiGroups: [FLUX_GROUPS.helm], resources: ['helmreleases/status'], verbs: [...WRITE_STATUS] },
      { apiGroups: [FLUX_GROUPS.helm], resources: ['helmreleases/finalizers'], verbs: ['update'] },
      // helm-controller keeps the HelmChart of each spec.chart template.
      { apiGroups: [FLUX_GROUPS.source], resources: ['helmcharts'], verbs: [...READ, 'create', 'patch', 'delete'] },
      ...EVENTS,
    ],
  },
  {
    name: 'notifier',
    port: 9792,
    rules: [
      { apiGroups: [FLUX_GROUPS.notification], resources: ['providers', 'alerts', 'receivers'], verbs: [...READ, 'patch', 'update'] },
      { apiGroups: [FLUX_GROUPS.notification], resources: ['providers/status', 'alerts/status', 'receivers/status'], verbs: WRITE_STATUS },
      { apiGroups: [FLUX_GROUPS.notification], resources: ['providers/finalizers', 'alerts/finalizers', 'receivers/finalizers'], verbs: ['update'] },
      // Receivers annotate the objects they trigger (reconcile.fluxcd.io/requestedAt).
      { apiGroups: [FLUX_GROUPS.source], resources: ['gitrepositories'], verbs: [...READ, 'patch'] },
      { apiGroups: [FLUX_GROUPS.kustomize], resources: ['kustomizations'], verbs: [...READ, 'patch'] },
      // Provider tokens and receiver secrets.
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
      ...EVENTS,
    ],
  },
];

/** The component names, in install order. */
export const COMPONENT_NAMES = COMPONENTS.map((component) => component.name);

const NATS_PORT = 4222;
const NATS_MONITOR_PORT = 8222;

function labels(component?: string): Record<string, string> {
  return {
    'app.kubernetes.io/part-of': 'ferry',
    'app.kubernetes.io/instance': 'ferry',
    ...(component ? { 'app.kubernetes.io/component': component } : {}),
  };
}

const restrictedContainer = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

function serviceAccount(namespace: string, name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, labels: labels(name) } };
}

function rbac(options: InstallOptions, component: Component): KubeObject[] {
  const name = `ferry-${component.name}-${options.namespace}`;
  const subject = { kind: 'ServiceAccount', name: component.name, namespace: options.namespace };
  const objects: KubeObject[] = [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels: labels(component.name) }, rules: component.rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels: labels(component.name) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [subject],
    },
    // Leader election happens in Ferry's own namespace only.
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: `${component.name}-leader-election`, namespace: options.namespace, labels: labels(component.name) },
      rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `${component.name}-leader-election`, namespace: options.namespace, labels: labels(component.name) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${component.name}-leader-election` },
      subjects: [subject],
    },
  ];
  if (component.name === 'reconciler') {
    // Kustomizations apply arbitrary manifests, so (as Flux's kustomize-controller) the reconciler is cluster-admin;
    // tenants are narrowed with spec.serviceAccountName, not by trimming this binding.
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `ferry-cluster-reconciler-${options.namespace}`, labels: labels(component.name) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [subject],
    });
  }
  return objects;
}

function deployment(options: InstallOptions, component: Component): KubeObject {
  const probe = (path: string) => ({ httpGet: { path, port: 'http' }, periodSeconds: 10, timeoutSeconds: 3 });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: component.name, namespace: options.namespace, labels: labels(component.name) },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: component.name } },
      template: {
        metadata: { labels: { app: component.name, ...labels(component.name) } },
        spec: {
          serviceAccountName: component.name,
          terminationGracePeriodSeconds: 10,
          securityContext: { runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'manager',
              image: `${options.registry}/${component.name}:v${options.version}`,
              imagePullPolicy: 'IfNotPresent',
              env: [
                { name: 'HTTP_PORT', value: String(component.port) },
                { name: 'NATS_URL', value: `nats://nats.${options.namespace}.svc:${NATS_PORT}` },
                // The root filesystem is read-only: the embedded event store lives on the data volume.
                { name: 'DATABASE_URL', value: `sqlite:/data/${component.name}.db` },
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'RUNTIME_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                ...(component.name === 'source'
                  ? [
                      { name: 'ARTIFACT_ROOT', value: '/data/artifacts' },
                      { name: 'GIT_MIRROR_ROOT', value: '/data/git-mirrors' },
                      // The address the reconciler downloads artifacts from: the source Service (port 80).
                      { name: 'ARTIFACT_BASE_URL', value: `http://source.${options.namespace}.svc` },
                    ]
                  : []),
              ],
              ports: [{ name: 'http', containerPort: component.port, protocol: 'TCP' }],
              livenessProbe: probe('/healthz'),
              readinessProbe: probe('/readyz'),
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1000m', memory: '1Gi' } },
              securityContext: restrictedContainer,
              volumeMounts: [
                { name: 'data', mountPath: '/data' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'data', emptyDir: {} },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
}

function service(options: InstallOptions, component: Component): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: component.name, namespace: options.namespace, labels: labels(component.name) },
    spec: {
      type: 'ClusterIP',
      selector: { app: component.name },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

function nats(options: InstallOptions): KubeObject[] {
  const natsLabels = { app: 'nats', ...labels('nats') };
  return [
    serviceAccount(options.namespace, 'nats'),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'nats', namespace: options.namespace, labels: labels('nats') },
      spec: {
        type: 'ClusterIP',
        selector: { app: 'nats' },
        ports: [
          { name: 'client', port: NATS_PORT, targetPort: 'client', protocol: 'TCP' },
          { name: 'monitor', port: NATS_MONITOR_PORT, targetPort: 'monitor', protocol: 'TCP' },
        ],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'nats', namespace: options.namespace, labels: labels('nats') },
      spec: {
        serviceName: 'nats',
        replicas: 1,
        selector: { matchLabels: { app: 'nats' } },
        template: {
          metadata: { labels: natsLabels },
          spec: {
            serviceAccountName: 'nats',
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'nats',
                image: options.natsImage,
                args: ['--jetstream', '--store_dir=/data', `--port=${NATS_PORT}`, `--http_port=${NATS_MONITOR_PORT}`],
                ports: [
                  { name: 'client', containerPort: NATS_PORT, protocol: 'TCP' },
                  { name: 'monitor', containerPort: NATS_MONITOR_PORT, protocol: 'TCP' },
                ],
                livenessProbe: { httpGet: { path: '/healthz', port: 'monitor' }, periodSeconds: 10 },
                // js-enabled-only: ready once JetStream is up, which every Ferry service needs.
                readinessProbe: { httpGet: { path: '/healthz?js-enabled-only=true', port: 'monitor' }, periodSeconds: 10 },
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1000m', memory: '1Gi' } },
                securityContext: restrictedContainer,
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
              },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        ],
      },
    },
  ];
}

function networkPolicies(options: InstallOptions): KubeObject[] {
  const policy = (name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: options.namespace, labels: labels() },
    spec,
  });
  return [
    // As Flux's allow-egress: components reach anything (git hosts, the API server), but only each other reach them.
    policy('allow-egress', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      egress: [{}],
      ingress: [{ from: [{ podSelector: {} }] }],
    }),
    // Metrics share the HTTP port; Prometheus may run in any namespace.
    policy('allow-scraping', {
      podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'ferry' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: {} }],
          ports: [...COMPONENTS.map((c) => ({ protocol: 'TCP', port: c.port })), { protocol: 'TCP', port: NATS_MONITOR_PORT }],
        },
      ],
    }),
    // Receivers are called by git hosts and registries from outside the cluster.
    policy('allow-webhooks', {
      podSelector: { matchLabels: { app: 'notifier' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 9792 }] }],
    }),
  ];
}

/** Every object `ferry install` applies, in apply order (the apply stages sort them again). */
export function installManifests(options: InstallOptions): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: options.namespace,
        labels: { ...labels(), 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'latest' },
      },
    },
    ...(fluxCustomResourceDefinitions() as unknown as KubeObject[]),
    ...nats(options),
    ...COMPONENTS.flatMap((component) => [
      serviceAccount(options.namespace, component.name),
      ...rbac(options, component),
      service(options, component),
      deployment(options, component),
    ]),
    ...networkPolicies(options),
  ];
}

import { HelmError } from '../errors';

/**
 * Helm's default `.Capabilities.APIVersions` without a cluster: every group/version its client-go (v0.31) scheme
 * and apiextensions know, betas included, as `helm template` sees them.
 */
export const DEFAULT_API_VERSIONS: readonly string[] = [
  'v1', 'admissionregistration.k8s.io/v1', 'admissionregistration.k8s.io/v1beta1', 'admissionregistration.k8s.io/v1alpha1',
  'apiextensions.k8s.io/v1', 'apiextensions.k8s.io/v1beta1', 'apps/v1', 'apps/v1beta2', 'apps/v1beta1',
  'authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1', 'authentication.k8s.io/v1alpha1', 'authorization.k8s.io/v1',
  'authorization.k8s.io/v1beta1', 'autoscaling/v1', 'autoscaling/v2', 'autoscaling/v2beta1', 'autoscaling/v2beta2',
  'batch/v1', 'batch/v1beta1', 'certificates.k8s.io/v1', 'certificates.k8s.io/v1beta1', 'certificates.k8s.io/v1alpha1',
  'coordination.k8s.io/v1', 'coordination.k8s.io/v1beta1', 'coordination.k8s.io/v1alpha1', 'discovery.k8s.io/v1',
  'discovery.k8s.io/v1beta1', 'events.k8s.io/v1', 'events.k8s.io/v1beta1', 'extensions/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1beta3', 'flowcontrol.apiserver.k8s.io/v1beta2',
  'flowcontrol.apiserver.k8s.io/v1beta1', 'networking.k8s.io/v1', 'networking.k8s.io/v1beta1', 'networking.k8s.io/v1alpha1',
  'node.k8s.io/v1', 'node.k8s.io/v1beta1', 'node.k8s.io/v1alpha1', 'policy/v1', 'policy/v1beta1',
  'rbac.authorization.k8s.io/v1', 'rbac.authorization.k8s.io/v1beta1', 'rbac.authorization.k8s.io/v1alpha1',
  'resource.k8s.io/v1alpha3', 'scheduling.k8s.io/v1', 'scheduling.k8s.io/v1beta1', 'scheduling.k8s.io/v1alpha1',
  'storage.k8s.io/v1', 'storage.k8s.io/v1beta1', 'storage.k8s.io/v1alpha1', 'storagemigration.k8s.io/v1alpha1',
];

/** The Kubernetes version Helm v3.16 renders for without a cluster (`helm template`): its client-go's. */
export const DEFAULT_KUBE_VERSION = 'v1.31.0';

/** The Helm version templates see in `.Capabilities.HelmVersion`. */
export const HELM_VERSION = 'v3.16.3';

/** `.Capabilities.KubeVersion`: a Go Stringer, so `{{ .Capabilities.KubeVersion }}` prints the version as in Helm. */
export class KubeVersion {
  readonly GitVersion: string;

  constructor(
    readonly Version: string,
    readonly Major: string,
    readonly Minor: string,
  ) {
    this.GitVersion = Version;
  }

  /** Go's String(): what the engine prints. */
  goString(): string {
    return this.Version;
  }

  /** The Go type name `printf "%T"` shows. */
  goTypeName(): string {
    return '*common.KubeVersion';
  }
}

/** `.Capabilities` as templates see it. */
export interface TemplateCapabilities {
  KubeVersion: KubeVersion;
  APIVersions: { Has(version: unknown): boolean; list: readonly string[] };
  HelmVersion: { Version: string; GitCommit: string; GitTreeState: string; GoVersion: string };
}

/**
 * Builds `.Capabilities` for a Kubernetes version (`v1.32.0`, `1.32`) and the API versions the cluster serves
 * (its discovery: `apps/v1` and `apps/v1/Deployment` forms); without them, Helm's offline defaults.
 */
export function capabilities(kubeVersion: string = DEFAULT_KUBE_VERSION, apiVersions: readonly string[] = DEFAULT_API_VERSIONS): TemplateCapabilities {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?([-+].*)?$/.exec(kubeVersion.trim());
  if (!match) throw new HelmError(`kubeVersion "${kubeVersion}" is not a Kubernetes version (e.g. v1.32.0)`);
  const [, major, minor, patch = '0', suffix = ''] = match;
  const version = `v${major}.${minor}.${patch}${suffix}`;
  const list = [...new Set(apiVersions)];
  const set = new Set(list);
  return {
    KubeVersion: new KubeVersion(version, major as string, minor as string),
    APIVersions: { Has: (v) => set.has(String(v)), list },
    HelmVersion: { Version: HELM_VERSION, GitCommit: '', GitTreeState: 'clean', GoVersion: '' },
  };
}

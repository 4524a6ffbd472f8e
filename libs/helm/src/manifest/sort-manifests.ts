import { parseYamlStream } from '@ferry/kustomize';
import { HelmError, messageOf } from '../errors';
import { isTable } from '../values/coalesce';
import { parseYaml } from '../yaml';

/** Helm's install order by kind; kinds not listed go last, alphabetically. */
export const INSTALL_ORDER: readonly string[] = [
  'PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy',
  'PodDisruptionBudget', 'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume',
  'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding',
  'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod',
  'ReplicationController', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob',
  'IngressClass', 'Ingress', 'APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
];

/** Helm's uninstall order: webhooks and APIServices first, namespaces last. */
export const UNINSTALL_ORDER: readonly string[] = [
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'Ingress', 'IngressClass', 'Service',
  'CronJob', 'Job', 'StatefulSet', 'HorizontalPodAutoscaler', 'Deployment', 'ReplicaSet', 'ReplicationController', 'Pod',
  'DaemonSet', 'RoleBindingList', 'RoleBinding', 'RoleList', 'Role', 'ClusterRoleBindingList', 'ClusterRoleBinding',
  'ClusterRoleList', 'ClusterRole', 'CustomResourceDefinition', 'PersistentVolumeClaim', 'PersistentVolume',
  'StorageClass', 'ConfigMap', 'SecretList', 'Secret', 'ServiceAccount', 'PodDisruptionBudget', 'PodSecurityPolicy',
  'LimitRange', 'ResourceQuota', 'NetworkPolicy', 'Namespace', 'PriorityClass',
];

/** The Helm hook events (`helm.sh/hook` values). */
export const HOOK_EVENTS = [
  'pre-install', 'post-install', 'pre-delete', 'post-delete', 'pre-upgrade', 'post-upgrade', 'pre-rollback',
  'post-rollback', 'test',
] as const;

/** One Helm hook event. */
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** A parsed Kubernetes object as rendered (apiVersion, kind, metadata and the rest). */
export interface KubeObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** One rendered document that is not a hook: its template path, its text and its parsed object. */
export interface Manifest {
  /** Template path, chart-relative from the top chart: `podinfo/templates/deployment.yaml`. */
  name: string;
  /** The document text as Helm stores it (trimmed, no `---`). */
  content: string;
  /** The parsed object; null for a document holding only comments. */
  object: KubeObjectLike | null;
}

/** A hook, with Helm's release-record fields (`kind`, `path`, `manifest`, `events`, `weight`, `delete_policies`). */
export interface Hook {
  name: string;
  kind: string;
  path: string;
  manifest: string;
  events: HookEvent[];
  weight: number;
  delete_policies: string[];
  output_log_policies: string[];
  /** The parsed object (not part of Helm's record). */
  object: KubeObjectLike;
}

const EVENT_ALIASES: Record<string, HookEvent> = {
  ...Object.fromEntries(HOOK_EVENTS.map((e) => [e, e])),
  // Helm 2 tests
  'test-success': 'test',
};

// Plain scalars that YAML 1.1 (go-yaml v2, what Kubernetes reads manifests with) types differently from the
// go-yaml v3 reading of @ferry/kustomize's parser: y/n/yes/no/on/off booleans and numbers with underscores.
const YAML11_ONLY = /(?:^|[\s[{,:-])(?:[yYnN]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)(?=[ \t]*(?:$|[,\]}:#]))|\d_+\d/m;

/**
 * One rendered document as an object, read as Helm applies it: the document as it stands in the release manifest
 * (followed by a line break). Most documents go through kustomize's fast go-yaml parser; those with YAML
 * 1.1-only scalars through the YAML 1.1 parser.
 */
function parseManifest(doc: string, path: string): unknown {
  const text = `${doc}\n`;
  if (YAML11_ONLY.test(text)) return parseYaml(text);
  return parseYamlStream(text, path)[0] ?? null;
}

/** Splits a YAML stream the way Helm's SplitManifests does: on `---` lines, each document trimmed, blanks dropped. */
export function splitManifests(text: string): string[] {
  return text
    .trim()
    .split(/(?:^|\s*\n)---\s*/)
    .filter((d) => d !== '')
    .map((d) => d.trim());
}

function kindRank(order: readonly string[]): (a: string, b: string) => number {
  const rank = new Map(order.map((k, i) => [k, i]));
  return (a, b) => {
    const ra = rank.get(a);
    const rb = rank.get(b);
    if (ra === undefined && rb === undefined) return a < b ? -1 : a > b ? 1 : 0;
    if (ra === undefined) return 1;
    if (rb === undefined) return -1;
    return ra - rb;
  };
}

/** Stable sort of items by kind in the given order (Helm's sortManifestsByKind). */
export function sortByKind<T>(items: readonly T[], kindOf: (item: T) => string, order: readonly string[] = INSTALL_ORDER): T[] {
  const compare = kindRank(order);
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => compare(kindOf(a.item), kindOf(b.item)) || a.index - b.index)
    .map((e) => e.item);
}

function annotationList(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((v) => v.trim().toLowerCase());
}

/**
 * Helm's SortManifests: takes rendered templates (path → text, partials and NOTES already out), splits each into
 * documents in path order, separates hooks (known `helm.sh/hook` events; unknown ones are skipped as Helm does)
 * and sorts both by kind in install order.
 */
export function sortManifests(files: ReadonlyMap<string, string>): { manifests: Manifest[]; hooks: Hook[] } {
  const manifests: Manifest[] = [];
  const hooks: Hook[] = [];
  for (const path of [...files.keys()].sort()) {
    const content = files.get(path) ?? '';
    if (content.trim() === '') continue;
    for (const doc of splitManifests(content)) {
      let parsed: unknown;
      try {
        parsed = parseManifest(doc, path);
      } catch (error) {
        throw new HelmError(`YAML parse error on ${path}: ${messageOf(error)}`);
      }
      if (parsed !== null && !isTable(parsed)) throw new HelmError(`YAML parse error on ${path}: a document is not a mapping`);
      const object = parsed as KubeObjectLike | null;
      const annotations = isTable(object?.metadata?.annotations) ? object.metadata.annotations : {};
      const hookTypes = annotations['helm.sh/hook'];
      if (object === null || typeof hookTypes !== 'string') {
        manifests.push({ name: path, content: doc, object });
        continue;
      }
      const events = annotationList(hookTypes).map((t) => EVENT_ALIASES[t]);
      if (events.some((e) => e === undefined)) continue;
      const weight = Number.parseInt(String(annotations['helm.sh/hook-weight'] ?? ''), 10);
      hooks.push({
        name: String(object.metadata?.name ?? ''),
        kind: String(object.kind ?? ''),
        path,
        manifest: doc,
        events: events as HookEvent[],
        weight: /^[-+]?\d+$/.test(String(annotations['helm.sh/hook-weight'] ?? '').trim()) ? weight : 0,
        delete_policies: annotationList(annotations['helm.sh/hook-delete-policy']),
        output_log_policies: annotationList(annotations['helm.sh/hook-output-log-policy']),
        object,
      });
    }
  }
  return {
    manifests: sortByKind(manifests, (m) => String(m.object?.kind ?? '')),
    hooks: sortByKind(hooks, (h) => h.kind),
  };
}

/** The release manifest text Helm stores: `---\n# Source: <path>\n<document>\n` per document, in install order. */
export function manifestText(manifests: readonly Manifest[]): string {
  return manifests.map((m) => `---\n# Source: ${m.name}\n${m.content}\n`).join('');
}

/** The hooks that run on an event, in Helm's execution order: by weight, then by name. */
export function hooksFor<T extends { events: readonly string[]; weight: number; name: string }>(hooks: readonly T[], event: HookEvent): T[] {
  return hooks
    .filter((h) => h.events.includes(event))
    .map((h, index) => ({ h, index }))
    .sort((a, b) => a.h.weight - b.h.weight || (a.h.name < b.h.name ? -1 : a.h.name > b.h.name ? 1 : 0) || a.index - b.index)
    .map((e) => e.h);
}

/**
 * What `helm template` prints: the release manifest, then every hook document (test hooks too unless
 * `skipTests`), each under its `# Source:` line.
 */
export function templateText(manifest: string, hooks: readonly Hook[], options: { skipTests?: boolean } = {}): string {
  const hookText = hooks
    .filter((h) => !(options.skipTests && h.events.includes('test')))
    .map((h) => `---\n# Source: ${h.path}\n${h.manifest}\n`)
    .join('');
  return `${manifest.trim()}\n${hookText}`;
}

/**
 * Whether Helm leaves the object in the cluster on uninstall and when an upgrade drops it: the annotation
 * `helm.sh/resource-policy: keep` (Helm compares the value case-insensitively, after trimming).
 */
export function keepsResource(object: KubeObjectLike): boolean {
  const policy = object.metadata?.annotations?.['helm.sh/resource-policy'];
  return typeof policy === 'string' && policy.trim().toLowerCase() === 'keep';
}

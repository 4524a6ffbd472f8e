import { invalid, StatusCause } from './errors';
import { deepEqual, getPath, isObject, JsonObject } from './json';
import { ResourceType } from './resource-registry';
import { matchesLabels, selectorFromObject } from './selectors';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function defaultPorts(ports: unknown): void {
  if (!Array.isArray(ports)) return;
  for (const p of ports) if (isObject(p) && p['protocol'] === undefined) p['protocol'] = 'TCP';
}

function defaultPodSpec(spec: unknown): void {
  if (!isObject(spec)) return;
  for (const field of ['containers', 'initContainers']) {
    const cs = spec[field];
    if (Array.isArray(cs)) for (const c of cs) if (isObject(c)) defaultPorts(c['ports']);
  }
}

let nextClusterIp = 10;
let nextNodePort = 0;

const ROLLING = { type: 'RollingUpdate' };

/**
 * Defaults of merge-key fields only (port protocols). Server-side apply defaults these in the applied
 * configuration, like the real field manager does from the schema's key defaults, so `k:` elements match the
 * stored items; all other defaults are applied to the result and are not owned by the applier.
 */
export function defaultMergeKeys(rt: ResourceType, obj: JsonObject): void {
  if (!rt.builtIn) return;
  const spec = obj['spec'];
  switch (rt.kind) {
    case 'Pod':
      defaultPodSpec(spec);
      break;
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      defaultPodSpec(getPath(spec, ['template', 'spec']));
      break;
    case 'CronJob':
      defaultPodSpec(getPath(spec, ['jobTemplate', 'spec', 'template', 'spec']));
      break;
    case 'Service':
      if (isObject(spec)) defaultPorts(spec['ports']);
      break;
  }
}

/**
 * The defaults clients rely on (the API server's defaulting is much larger): port protocols, replica counts,
 * rollout strategies (`kubectl rollout status` requires RollingUpdate), Service type and cluster IP, Secret
 * type, Namespace phase. Mutates `obj`.
 */
export function applyDefaults(rt: ResourceType, obj: JsonObject): void {
  if (!rt.builtIn) return;
  defaultMergeKeys(rt, obj);
  const spec = obj['spec'];
  switch (rt.kind) {
    case 'Deployment':
      if (isObject(spec)) {
        spec['replicas'] ??= 1;
        spec['strategy'] ??= { ...ROLLING, rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
        spec['revisionHistoryLimit'] ??= 10;
        spec['progressDeadlineSeconds'] ??= 600;
      }
      break;
    case 'ReplicaSet':
      if (isObject(spec)) spec['replicas'] ??= 1;
      break;
    case 'StatefulSet':
      if (isObject(spec)) {
        spec['replicas'] ??= 1;
        spec['updateStrategy'] ??= { ...ROLLING, rollingUpdate: { partition: 0 } };
        spec['podManagementPolicy'] ??= 'OrderedReady';
      }
      break;
    case 'DaemonSet':
      if (isObject(spec)) spec['updateStrategy'] ??= { ...ROLLING, rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      break;
    case 'Job':
      if (isObject(spec)) {
        spec['backoffLimit'] ??= 6;
        spec['completions'] ??= 1;
        spec['parallelism'] ??= 1;
      }
      break;
    case 'Service':
      if (isObject(spec)) {
        spec['type'] ??= 'ClusterIP';
        if (spec['clusterIP'] === undefined && spec['type'] !== 'ExternalName') {
          const n = nextClusterIp++;
          spec['clusterIP'] = `10.96.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
          spec['clusterIPs'] = [spec['clusterIP']];
        }
        if ((spec['type'] === 'NodePort' || spec['type'] === 'LoadBalancer') && Array.isArray(spec['ports'])) {
          for (const p of spec['ports']) if (isObject(p) && p['nodePort'] === undefined) p['nodePort'] = 30000 + (nextNodePort++ % 2768);
        }
      }
      break;
    case 'Secret': {
      if (!obj['type']) obj['type'] = 'Opaque';
      // stringData is write-only, as on a real API server: merged into data (base64) and never stored.
      const stringData = obj['stringData'];
      if (isObject(stringData)) {
        const encoded = Object.fromEntries(Object.entries(stringData).map(([key, value]) => [key, Buffer.from(String(value), 'utf8').toString('base64')]));
        obj['data'] = { ...(isObject(obj['data']) ? obj['data'] : {}), ...encoded };
      }
      delete obj['stringData'];
      break;
    }
    case 'Namespace':
      obj['status'] = { phase: isObject(obj['metadata']) && obj['metadata']['deletionTimestamp'] ? 'Terminating' : 'Active' };
      break;
  }
}

/** Validation that clients observe as 422 Invalid: names, and the workload selector/template rule. */
export function validate(rt: ResourceType, obj: JsonObject): void {
  const meta = obj['metadata'] as JsonObject;
  const name = String(meta['name'] ?? '');
  const causes: StatusCause[] = [];
  const nameRule = rt.kind === 'Namespace' || rt.kind === 'Service' ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
  const pathSegmentOk = rt.kind.startsWith('Role') || rt.kind.startsWith('ClusterRole');
  if (!name) causes.push({ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' });
  else if (pathSegmentOk ? /[/%]/.test(name) : !nameRule.test(name) || name.length > 253) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${name}": a lowercase RFC 1123 ${nameRule === DNS1123_LABEL ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      field: 'metadata.name',
    });
  }
  if (rt.builtIn && ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(rt.kind)) {
    const spec = obj['spec'];
    const sel = getPath(spec, ['selector']);
    if (!isObject(sel)) {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' });
    } else {
      const labels = getPath(spec, ['template', 'metadata', 'labels']);
      if (!matchesLabels(selectorFromObject(sel), isObject(labels) ? labels : {})) {
        causes.push({
          reason: 'FieldValueInvalid',
          message: 'Invalid value: map[string]string(nil): `selector` does not match template `labels`',
          field: 'spec.template.metadata.labels',
        });
      }
    }
    const containers = getPath(spec, ['template', 'spec', 'containers']);
    if (!Array.isArray(containers) || !containers.length) {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers' });
    }
  }
  if (rt.kind === 'CustomResourceDefinition' && rt.builtIn) {
    const spec = obj['spec'];
    const group = getPath(spec, ['group']);
    const plural = getPath(spec, ['names', 'plural']);
    if (!group || !plural || name !== `${String(plural)}.${String(group)}`) {
      causes.push({ reason: 'FieldValueInvalid', message: 'must be spec.names.plural+"."+spec.group', field: 'metadata.name' });
    }
    if (!Array.isArray(getPath(spec, ['versions'])) || !(getPath(spec, ['versions']) as unknown[]).length) {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value: must have exactly one version marked as storage version', field: 'spec.versions' });
    }
  }
  if (causes.length) throw invalid(rt.kind, rt.group, name, causes);
}

// Fields the API server refuses to change after creation, by kind (what `force` in Flux recreates objects for).
const IMMUTABLE_FIELDS: Record<string, string[][]> = {
  Deployment: [['spec', 'selector']],
  ReplicaSet: [['spec', 'selector']],
  DaemonSet: [['spec', 'selector']],
  StatefulSet: [['spec', 'selector'], ['spec', 'serviceName'], ['spec', 'volumeClaimTemplates']],
  Job: [['spec', 'selector'], ['spec', 'template'], ['spec', 'completionMode']],
};

/** Update validation (422 Invalid): immutable fields of built-in kinds, and ConfigMaps/Secrets marked immutable. */
export function validateUpdate(rt: ResourceType, old: JsonObject, next: JsonObject): void {
  if (!rt.builtIn) return;
  const name = String((next['metadata'] as JsonObject)['name'] ?? '');
  const causes: StatusCause[] = [];
  for (const path of IMMUTABLE_FIELDS[rt.kind] ?? []) {
    const before = getPath(old, path);
    if (before !== undefined && !deepEqual(before, getPath(next, path))) {
      causes.push({ reason: 'FieldValueInvalid', message: 'Invalid value: field is immutable', field: path.join('.') });
    }
  }
  if (rt.kind === 'Service') {
    const before = getPath(old, ['spec', 'clusterIP']);
    const after = getPath(next, ['spec', 'clusterIP']);
    if (typeof before === 'string' && before !== '' && before !== 'None' && after !== undefined && after !== before) {
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${String(after)}": field is immutable`, field: 'spec.clusterIP' });
    }
  }
  if ((rt.kind === 'ConfigMap' || rt.kind === 'Secret') && old['immutable'] === true) {
    for (const field of ['data', 'binaryData', 'immutable']) {
      if (!deepEqual(old[field], next[field])) {
        causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: field is immutable when `immutable` is set', field });
      }
    }
  }
  if (causes.length) throw invalid(rt.kind, rt.group, name, causes);
}

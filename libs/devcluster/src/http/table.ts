import { getPath, isObject, Json, JsonObject } from '../domain/json';
import { PrinterColumn, ResourceType } from '../domain/resource-registry';

/** True when the client asked for server-side printing (`kubectl get`). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept);
}

/** Kubernetes' short human durations (`5s`, `3m20s`, `4h`, `2d`). */
export function humanAge(from: string | undefined, now: Date): string {
  if (!from) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(from)) / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  if (s < 120) return `${s}s`;
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
  return `${d}d`;
}

type Cell = string | number | boolean;
interface Column {
  name: string;
  type: string;
  priority: number;
  cell: (o: JsonObject) => Cell;
}

const str = (v: unknown, dflt = '<none>'): string => (v === undefined || v === null || v === '' ? dflt : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const at = (o: JsonObject, ...p: string[]): unknown => getPath(o, p);
const containersOf = (spec: unknown): JsonObject[] => {
  const cs = getPath(spec, ['containers']);
  return Array.isArray(cs) ? cs.filter(isObject) : [];
};
const col = (name: string, cell: (o: JsonObject) => Cell, priority = 0, type = 'string'): Column => ({ name, type, priority, cell });
const selectorText = (sel: unknown): string => {
  const ml = getPath(sel, ['matchLabels']);
  return isObject(ml) ? Object.entries(ml).map(([k, v]) => `${k}=${String(v)}`).join(',') : '<none>';
};
const workloadExtras = (tpl: string[]): Column[] => [
  col('Containers', (o) => containersOf(at(o, ...tpl)).map((c) => str(c['name'])).join(','), 1),
  col('Images', (o) => containersOf(at(o, ...tpl)).map((c) => str(c['image'])).join(','), 1),
  col('Selector', (o) => selectorText(at(o, 'spec', 'selector')), 1),
];
const POD_TPL = ['spec', 'template', 'spec'];

function podStatus(o: JsonObject): string {
  if (at(o, 'metadata', 'deletionTimestamp')) return 'Terminating';
  const statuses = at(o, 'status', 'containerStatuses');
  if (Array.isArray(statuses)) {
    for (const s of statuses) {
      const reason = getPath(s, ['state', 'waiting', 'reason']) ?? getPath(s, ['state', 'terminated', 'reason']);
      if (reason) return String(reason);
    }
  }
  return str(at(o, 'status', 'phase'), 'Pending');
}

function builtinColumns(kind: string): Column[] | undefined {
  switch (kind) {
    case 'Pod':
      return [
        col('Ready', (o) => {
          const cs = at(o, 'status', 'containerStatuses');
          const ready = Array.isArray(cs) ? cs.filter((c) => getPath(c, ['ready']) === true).length : 0;
          return `${ready}/${containersOf(at(o, 'spec')).length}`;
        }),
        col('Status', podStatus),
        col('Restarts', (o) => {
          const cs = at(o, 'status', 'containerStatuses');
          return String(Array.isArray(cs) ? cs.reduce((n: number, c) => n + num(getPath(c, ['restartCount'])), 0) : 0);
        }, 0, 'string'),
        AGE,
        col('IP', (o) => str(at(o, 'status', 'podIP')), 1),
        col('Node', (o) => str(at(o, 'spec', 'nodeName')), 1),
      ];
    case 'Deployment':
      return [
        col('Ready', (o) => `${num(at(o, 'status', 'readyReplicas'))}/${num(at(o, 'spec', 'replicas'))}`),
        col('Up-to-date', (o) => num(at(o, 'status', 'updatedReplicas')), 0, 'integer'),
        col('Available', (o) => num(at(o, 'status', 'availableReplicas')), 0, 'integer'),
        AGE,
        ...workloadExtras(POD_TPL),
      ];
    case 'ReplicaSet':
      return [
        col('Desired', (o) => num(at(o, 'spec', 'replicas')), 0, 'integer'),
        col('Current', (o) => num(at(o, 'status', 'replicas')), 0, 'integer'),
        col('Ready', (o) => num(at(o, 'status', 'readyReplicas')), 0, 'integer'),
        AGE,
        ...workloadExtras(POD_TPL),
      ];
    case 'StatefulSet':
      return [col('Ready', (o) => `${num(at(o, 'status', 'readyReplicas'))}/${num(at(o, 'spec', 'replicas'))}`), AGE, ...workloadExtras(POD_TPL).slice(0, 2)];
    case 'DaemonSet':
      return [
        col('Desired', (o) => num(at(o, 'status', 'desiredNumberScheduled')), 0, 'integer'),
        col('Current', (o) => num(at(o, 'status', 'currentNumberScheduled')), 0, 'integer'),
        col('Ready', (o) => num(at(o, 'status', 'numberReady')), 0, 'integer'),
        col('Up-to-date', (o) => num(at(o, 'status', 'updatedNumberScheduled')), 0, 'integer'),
        col('Available', (o) => num(at(o, 'status', 'numberAvailable')), 0, 'integer'),
        AGE,
        ...workloadExtras(POD_TPL),
      ];
    case 'Job':
      return [
        col('Status', (o) => {
          const conds = at(o, 'status', 'conditions');
          const done = Array.isArray(conds) && conds.some((c) => getPath(c, ['type']) === 'Complete' && getPath(c, ['status']) === 'True');
          return done ? 'Complete' : 'Running';
        }),
        col('Completions', (o) => `${num(at(o, 'status', 'succeeded'))}/${num(at(o, 'spec', 'completions')) || 1}`),
        AGE,
      ];
    case 'Service':
      return [
        col('Type', (o) => str(at(o, 'spec', 'type'))),
        col('Cluster-IP', (o) => str(at(o, 'spec', 'clusterIP'))),
        col('External-IP', (o) => {
          const ing = at(o, 'status', 'loadBalancer', 'ingress');
          if (Array.isArray(ing) && ing.length) return ing.map((i) => str(getPath(i, ['ip']) ?? getPath(i, ['hostname']))).join(',');
          return at(o, 'spec', 'type') === 'LoadBalancer' ? '<pending>' : '<none>';
        }),
        col('Port(s)', (o) => {
          const ps = at(o, 'spec', 'ports');
          if (!Array.isArray(ps)) return '<none>';
          return ps
            .map((p) => {
              const node = getPath(p, ['nodePort']);
              return `${str(getPath(p, ['port']))}${node ? `:${String(node)}` : ''}/${str(getPath(p, ['protocol']), 'TCP')}`;
            })
            .join(',');
        }),
        AGE,
        col('Selector', (o) => {
          const s = at(o, 'spec', 'selector');
          return isObject(s) ? Object.entries(s).map(([k, v]) => `${k}=${String(v)}`).join(',') : '<none>';
        }, 1),
      ];
    case 'ConfigMap':
      return [col('Data', (o) => Object.keys({ ...(at(o, 'data') as object), ...(at(o, 'binaryData') as object) }).length, 0, 'integer'), AGE];
    case 'Secret':
      return [col('Type', (o) => str(o['type'])), col('Data', (o) => Object.keys({ ...(at(o, 'data') as object), ...(at(o, 'stringData') as object) }).length, 0, 'integer'), AGE];
    case 'Namespace':
      return [col('Status', (o) => str(at(o, 'status', 'phase'), 'Active')), AGE];
    case 'CustomResourceDefinition':
      return [col('Created At', (o) => str(at(o, 'metadata', 'creationTimestamp')), 0, 'date')];
    default:
      return undefined;
  }
}

let clock: () => Date = () => new Date();
const AGE: Column = col('Age', (o) => humanAge(at(o, 'metadata', 'creationTimestamp') as string | undefined, clock()), 0, 'date');

/** Evaluates the simple JSONPath (`.spec.replicas`, `.status.conditions[0].type`) of printer columns. */
// The JSONPath subset printer columns use: `.field`, `[n]`, `[*]` and `[?(@.a.b=="v")]` (or `!=`). Like the
// API server's table convertor, a column shows the first match.
const JSONPATH_STEP = /^(?:\.([^.[]+)|\[(\d+)\]|\[\*\]|\[\?\(@((?:\.[^.=!)]+)+)\s*(==|!=)\s*(?:"([^"]*)"|'([^']*)'|([^)\s]+))\)\])/;

function evalJsonPath(o: JsonObject, path: string): Json | undefined {
  let matches: Json[] = [o];
  let rest = path.trim().replace(/^\{(.*)\}$/, '$1').replace(/^\$/, '');
  while (rest.length > 0) {
    const m = JSONPATH_STEP.exec(rest);
    if (!m) return undefined;
    rest = rest.slice(m[0].length);
    const [, field, index, filterPath, operator, double, single, bare] = m;
    if (field !== undefined) matches = matches.flatMap((v) => (isObject(v) && v[field] !== undefined ? [v[field] as Json] : []));
    else if (index !== undefined) matches = matches.flatMap((v) => (Array.isArray(v) && v[Number(index)] !== undefined ? [v[Number(index)] as Json] : []));
    else if (filterPath === undefined) matches = matches.flatMap((v) => (Array.isArray(v) ? v : isObject(v) ? Object.values(v) : []));
    else {
      const wanted = double ?? single ?? bare ?? '';
      const keys = filterPath.slice(1).split('.');
      matches = matches.flatMap((v) =>
        (Array.isArray(v) ? v : []).filter((item) => {
          let cur: Json | undefined = item;
          for (const key of keys) cur = isObject(cur) ? cur[key] : undefined;
          const equal = cur !== undefined && String(cur) === wanted;
          return operator === '==' ? equal : !equal;
        }),
      );
    }
  }
  return matches[0];
}

function customColumns(cols: PrinterColumn[]): Column[] {
  const out = cols.map((c) => ({
    name: c.name,
    type: c.type,
    priority: c.priority ?? 0,
    cell: (o: JsonObject): Cell => {
      const v = evalJsonPath(o, c.jsonPath);
      if (v === undefined || v === null) return '';
      if (c.type === 'date' && typeof v === 'string') return humanAge(v, clock());
      return typeof v === 'object' ? JSON.stringify(v) : v;
    },
  }));
  return out.some((c) => c.name === 'Age') ? out : [...out, AGE];
}

/**
 * Converts objects into a `meta.k8s.io/v1` Table, the format `kubectl get` prints. Rows carry the full
 * object so `--show-labels`, `-L` and `-A` work; priority-1 columns show with `-o wide`.
 */
export function toTable(rt: ResourceType, objects: JsonObject[], listMeta: JsonObject, withColumns = true, now?: Date): JsonObject {
  if (now) clock = () => now;
  else clock = () => new Date();
  const cols = [col('Name', (o) => str(at(o, 'metadata', 'name'))), ...(rt.printerColumns.length ? customColumns(rt.printerColumns) : builtinColumns(rt.builtIn ? rt.kind : '') ?? [AGE])];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withColumns
      ? cols.map((c) => ({ name: c.name, type: c.type, format: c.name === 'Name' ? 'name' : '', description: c.name, priority: c.priority }))
      : [],
    rows: objects.map((o) => ({ cells: cols.map((c) => c.cell(o)), object: o })),
  };
}

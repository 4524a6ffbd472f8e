/** One file of a chart, with its path relative to the chart root (`templates/deployment.yaml`). */
export interface ChartFile {
  name: string;
  data: Buffer;
}

/** A chart maintainer, as in Chart.yaml. */
export interface Maintainer {
  name?: string;
  email?: string;
  url?: string;
}

/** One `import-values` entry: a child key (`data`), or the explicit `{child, parent}` form. */
export type ImportValue = string | { child: string; parent: string };

/** A dependency declared in Chart.yaml (v2) or requirements.yaml (v1). */
export interface ChartDependency {
  name: string;
  version?: string;
  repository?: string;
  condition?: string;
  tags?: string[];
  enabled?: boolean;
  'import-values'?: ImportValue[];
  alias?: string;
}

/** Chart.yaml, with Helm's JSON field names (the release record stores it as is). */
export interface ChartMetadata {
  name: string;
  home?: string;
  sources?: string[];
  version: string;
  description?: string;
  keywords?: string[];
  maintainers?: Maintainer[];
  icon?: string;
  apiVersion: string;
  condition?: string;
  tags?: string;
  appVersion?: string;
  deprecated?: boolean;
  annotations?: Record<string, string>;
  kubeVersion?: string;
  dependencies?: ChartDependency[];
  type?: string;
}

/** Chart.lock (v2) or requirements.lock (v1). */
export interface ChartLock {
  generated: string;
  digest: string;
  dependencies: ChartDependency[];
}

/** Chart values: a YAML mapping parsed as Helm does (numbers are Go float64). */
export type Values = Record<string, unknown>;

/** A loaded chart, as Helm's chart.Chart: its parts, and its subcharts from `charts/`. */
export interface Chart {
  metadata: ChartMetadata;
  lock: ChartLock | null;
  /** Files under `templates/`, in path order. */
  templates: ChartFile[];
  /** values.yaml (an empty map when the chart has none). */
  values: Values;
  /** values.schema.json as read, or null. */
  schema: Buffer | null;
  /** Every other file (README, crds/, files for `.Files`), in path order. */
  files: ChartFile[];
  /** Subcharts found in `charts/` (directories or archives), before conditions and tags are applied. */
  dependencies: Chart[];
}

/** The files of the chart's `crds/` directory that hold CRDs (YAML or JSON), as Helm's CRDObjects reads them. */
export function crdFiles(chart: Chart): ChartFile[] {
  return chart.files.filter((f) => f.name.startsWith('crds/') && /\.(ya?ml|json)$/.test(f.name));
}

/** Whether the chart is a library chart (templates never rendered to output). */
export function isLibraryChart(chart: Chart): boolean {
  return chart.metadata.type === 'library';
}

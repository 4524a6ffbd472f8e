import type { Json, JsonObject } from '../yaml/emit';
import { isObject } from '../resource/resource';
import { KustomizeError } from '../errors';

/** The fields of a kustomization file kustomize v5 accepts; anything else is rejected. */
export const KUSTOMIZATION_FIELDS = new Set([
  'apiVersion',
  'kind',
  'metadata',
  'openapi',
  'namePrefix',
  'nameSuffix',
  'namespace',
  'commonLabels',
  'labels',
  'commonAnnotations',
  'patchesStrategicMerge',
  'patchesJson6902',
  'patches',
  'images',
  'imageTags',
  'replacements',
  'replicas',
  'vars',
  'sortOptions',
  'resources',
  'components',
  'crds',
  'bases',
  'configMapGenerator',
  'secretGenerator',
  'helmGlobals',
  'helmCharts',
  'helmChartInflationGenerator',
  'generatorOptions',
  'configurations',
  'generators',
  'transformers',
  'validators',
  'buildMetadata',
]);

/** The kustomization file names kustomize looks for, in order. */
export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** A parsed kustomization: the raw object, checked for unknown fields, with deprecated fields folded in. */
export type Kustomization = JsonObject;

/** Validates a parsed kustomization file and applies kustomize's fix-ups (bases → resources, legacy patches). */
export function checkKustomization(raw: Json, fileName: string): Kustomization {
  if (raw === null) throw new KustomizeError(`${fileName} is empty`);
  if (!isObject(raw)) throw new KustomizeError(`invalid Kustomization: ${fileName} is not a mapping`);
  for (const key of Object.keys(raw)) {
    if (!KUSTOMIZATION_FIELDS.has(key)) {
      const lower = key.toLowerCase();
      if (lower === 'patchesjson6902') continue;
      throw new KustomizeError(`invalid Kustomization: json: unknown field "${key}"`);
    }
  }
  const k: Kustomization = { ...raw };
  for (const key of Object.keys(raw)) {
    if (key.toLowerCase() === 'patchesjson6902' && key !== 'patchesJson6902') {
      k['patchesJson6902'] = raw[key] as Json;
      delete k[key];
    }
  }
  if (Array.isArray(k['bases'])) {
    k['resources'] = [...(Array.isArray(k['resources']) ? k['resources'] : []), ...k['bases']];
  }
  return k;
}

/** Reads a string field, failing with the file and field named when it has the wrong type. */
export function stringField(k: Kustomization, field: string): string | undefined {
  const v = k[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new KustomizeError(`invalid Kustomization: field ${field} must be a string`);
  return v;
}

/** Reads a list field (null/absent → empty). */
export function listField(k: Kustomization, field: string): Json[] {
  const v = k[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new KustomizeError(`invalid Kustomization: field ${field} must be a list`);
  return v;
}

/** Reads a string map field (labels, annotations); scalar values are stringified as kustomize does. */
export function stringMapField(k: JsonObject, field: string): Record<string, string> {
  const v = k[field];
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new KustomizeError(`invalid Kustomization: field ${field} must be a map`);
  const out: Record<string, string> = {};
  for (const [key, val] of Object.entries(v)) out[key] = val === null ? '' : typeof val === 'string' ? val : JSON.stringify(val);
  return out;
}

import type { Json, JsonObject } from '../yaml/emit';
import { isObject } from '../resource/resource';
import type { NameBackReference, TransformerConfig } from '../resource/builtin-config';
import type { FieldSpec } from '../resource/field-spec';

function defsOf(doc: JsonObject): JsonObject {
  return isObject(doc['definitions']) ? doc['definitions'] : doc;
}

function schemaOf(def: Json | undefined): JsonObject | undefined {
  if (!isObject(def)) return undefined;
  return isObject(def['Schema']) ? def['Schema'] : def;
}

function refName(ref: string): string {
  return ref.replace(/^#\/definitions\//, '');
}

/**
 * Derives transformer config from OpenAPI definitions listed under `crds:`: properties marked
 * `x-kubernetes-object-ref-kind` become name references, `x-kubernetes-label-selector` selector labels.
 */
export function configFromCrds(docs: readonly Json[]): Partial<TransformerConfig> {
  const nameReference: NameBackReference[] = [];
  const commonLabels: FieldSpec[] = [];
  for (const doc of docs) {
    if (!isObject(doc)) continue;
    const defs = defsOf(doc);
    for (const defName of Object.keys(defs)) {
      const kind = defName.split('.').pop() ?? defName;
      const walk = (schema: JsonObject, path: string[], depth: number): void => {
        if (depth > 10) return;
        const props = isObject(schema['properties']) ? schema['properties'] : {};
        for (const [p, raw] of Object.entries(props)) {
          if (!isObject(raw)) continue;
          const here = [...path, p];
          const refKind = raw['x-kubernetes-object-ref-kind'];
          if (typeof refKind === 'string') {
            const nameKey = typeof raw['x-kubernetes-object-ref-name-key'] === 'string' ? raw['x-kubernetes-object-ref-name-key'] : 'name';
            const fs: FieldSpec = { kind, path: [...here, nameKey].join('/') };
            const existing = nameReference.find((n) => n.referral.kind === refKind);
            if (existing) existing.fieldSpecs.push(fs);
            else nameReference.push({ referral: { kind: refKind }, fieldSpecs: [fs] });
          }
          if (raw['x-kubernetes-label-selector'] !== undefined) commonLabels.push({ kind, path: here.join('/'), create: false });
          const ref = raw['$ref'];
          const target = typeof ref === 'string' ? schemaOf(defs[refName(ref)]) : raw;
          if (target && (target !== raw || isObject(raw['properties']))) walk(target, here, depth + 1);
        }
      };
      const root = schemaOf(defs[defName]);
      if (root) walk(root, [], 0);
    }
  }
  return { nameReference, commonLabels };
}

/** List merge keys per kind and path, read from `x-kubernetes-patch-merge-key` in an OpenAPI document. */
export type MergeKeyTable = Map<string, Map<string, string>>;

/** Reads the `openapi:` schema a kustomization supplies so strategic merge knows custom kinds' list keys. */
export function mergeKeysFromOpenApi(doc: Json): MergeKeyTable {
  const table: MergeKeyTable = new Map();
  if (!isObject(doc)) return table;
  const defs = defsOf(doc);
  for (const def of Object.values(defs)) {
    const schema = schemaOf(def);
    if (!schema) continue;
    const gvks = schema['x-kubernetes-group-version-kind'];
    if (!Array.isArray(gvks)) continue;
    for (const gvk of gvks) {
      if (!isObject(gvk) || typeof gvk['kind'] !== 'string') continue;
      const keys = new Map<string, string>();
      const walk = (s: JsonObject, path: string[], depth: number): void => {
        if (depth > 12) return;
        const props = isObject(s['properties']) ? s['properties'] : {};
        for (const [p, raw] of Object.entries(props)) {
          if (!isObject(raw)) continue;
          const here = [...path, p];
          const mk = raw['x-kubernetes-patch-merge-key'];
          if (typeof mk === 'string' && raw['x-kubernetes-patch-strategy'] !== 'replace') keys.set(here.join('/'), mk);
          let next: JsonObject | undefined = raw;
          if (typeof raw['$ref'] === 'string') next = schemaOf(defs[refName(raw['$ref'])]);
          if (isObject(raw['items'])) {
            const items = raw['items'];
            next = typeof items['$ref'] === 'string' ? schemaOf(defs[refName(items['$ref'])]) : items;
          }
          if (next) walk(next, here, depth + 1);
        }
      };
      walk(schema, [], 0);
      table.set(gvk['kind'], keys);
    }
  }
  return table;
}

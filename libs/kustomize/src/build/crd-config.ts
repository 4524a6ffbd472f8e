import type { Json, JsonObject } from '../yaml/emit';
import { isObject } from '../resource/resource';
import type { NameBackReference, TransformerConfig } from '../resource/builtin-config';
import type { FieldSpec } from '../resource/field-spec';

/**
 * Derives transformer config from OpenAPI definitions listed under `crds:`: properties marked
 * `x-kubernetes-object-ref-kind` become name references, `x-kubernetes-label-selector` selector labels.
 */
export function configFromCrds(docs: readonly Json[]): Partial<TransformerConfig> {
  const nameReference: NameBackReference[] = [];
  const commonLabels: FieldSpec[] = [];
  for (const doc of docs) {
    if (!isObject(doc)) continue;
    const defs = isObject(doc['definitions']) ? doc['definitions'] : doc;
    for (const [defName, def] of Object.entries(defs)) {
      if (!isObject(def)) continue;
      const kind = defName.split('.').pop() ?? defName;
      const walk = (schema: JsonObject, path: string[]): void => {
        const props = isObject(schema['properties']) ? schema['properties'] : {};
        for (const [p, s] of Object.entries(props)) {
          if (!isObject(s)) continue;
          const here = [...path, p];
          const refKind = s['x-kubernetes-object-ref-kind'];
          if (typeof refKind === 'string') {
            const nameKey = typeof s['x-kubernetes-object-ref-name-key'] === 'string' ? s['x-kubernetes-object-ref-name-key'] : 'name';
            const fs: FieldSpec = { kind, path: [...here, nameKey].join('/') };
            const existing = nameReference.find((n) => n.referral.kind === refKind);
            if (existing) existing.fieldSpecs.push(fs);
            else nameReference.push({ referral: { kind: refKind }, fieldSpecs: [fs] });
          }
          if (s['x-kubernetes-label-selector'] !== undefined) commonLabels.push({ kind, path: here.join('/'), create: false });
          if (isObject(s['properties'])) walk(s, here);
          const ref = s['$ref'];
          if (typeof ref === 'string') {
            const target = defs[ref.replace('#/definitions/', '')];
            if (isObject(target) && here.length < 8) walk(target, here);
          }
        }
      };
      walk(def, []);
    }
  }
  return { nameReference, commonLabels };
}

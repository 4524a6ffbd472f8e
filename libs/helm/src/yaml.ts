import { parse, parseAllDocuments, stringify } from 'yaml';

import type { Tags } from 'yaml';

// Helm reads YAML through sigs.k8s.io/yaml (go-yaml v2): YAML 1.1 scalars (yes/no/on/off booleans, 0755 octals),
// keys turned into strings, and every number a JSON number (Go float64). go-yaml v2 leaves timestamps as strings
// when decoding into interface{} and knows no base-60 numbers, so those YAML 1.1 tags are left out.
const goYamlV2 = (tags: Tags): Tags =>
  tags.filter((t) => typeof t === 'string' || (t.tag !== 'tag:yaml.org,2002:timestamp' && !('format' in t && t.format === 'TIME')));
const OPTIONS = { version: '1.1', merge: true, uniqueKeys: true, maxAliasCount: 10_000, customTags: goYamlV2 } as const;

/** Parses one YAML document as Helm reads values files; throws the yaml package's error (with line and column). */
export function parseYaml(text: string): unknown {
  return parse(text, OPTIONS) ?? null;
}

/** Parses every document of a YAML stream; blank and comment-only documents come out as null. */
export function parseYamlDocuments(text: string): unknown[] {
  const docs = parseAllDocuments(text, OPTIONS);
  if (!Array.isArray(docs)) return [];
  return docs.map((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJS({ maxAliasCount: OPTIONS.maxAliasCount }) ?? null;
  });
}

/** YAML with indented sequences (Helm's toYamlPretty, go-yaml v3 with a 2-space indent). */
export function stringifyPretty(value: unknown): string {
  return stringify(value, { indent: 2, indentSeq: true, lineWidth: 0, version: '1.1' });
}

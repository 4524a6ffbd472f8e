import { Document, isScalar, parseAllDocuments, visit, type DocumentOptions, type ParseOptions, type SchemaOptions, type Tags } from 'yaml';
import type { Json } from './emit';
import { fastParseYamlStream } from './fast-parse';

// go-yaml (which kustomize uses) still reads YAML 1.1 octals (0755) and binary literals (0b101) as ints.
const goYamlInts = (tags: Tags): Tags => [
  {
    identify: (v: unknown) => typeof v === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: /^[-+]?0[0-7]+$/,
    resolve: (s: string) => parseInt(s, 8),
  },
  {
    identify: (v: unknown) => typeof v === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: /^[-+]?0b[01]+$/,
    resolve: (s: string) => (s.startsWith('-') ? -1 : 1) * parseInt(s.replace(/^[-+]?0b/, ''), 2),
  },
  ...tags,
];

const OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = { version: '1.2', uniqueKeys: true, merge: true, customTags: goYamlInts };
/** The scalar tags the yaml package resolves plain scalars with under OPTIONS, shared with the fast path. */
export const SCHEMA_TAGS = new Document(null, OPTIONS).schema.tags;

/** Parses a (multi-document) YAML or JSON stream into plain values; empty documents are dropped. */
export function parseYamlStream(text: string, source: string): Json[] {
  return fastParseYamlStream(text, SCHEMA_TAGS) ?? parseWithDocuments(text, source);
}

/** The full yaml package parse: every YAML feature, and the error messages for bad input. */
export function parseWithDocuments(text: string, source: string): Json[] {
  const docs = parseAllDocuments(text, OPTIONS);
  if (!Array.isArray(docs)) {
    // parseAllDocuments returns an EmptyStream for blank input
    return [];
  }
  const out: Json[] = [];
  const last = docs[docs.length - 1];
  if (last && !text.endsWith('\n')) clipFinalBlockScalar(last, text.length);
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) throw new Error(`failed to parse ${source}: ${err.message}`);
    const v = doc.toJS({ maxAliasCount: -1 }) as Json | undefined;
    if (v === null || v === undefined) continue;
    out.push(v);
  }
  return out;
}

// go-yaml keeps no final line break for a block scalar that ends the file without one; the yaml package adds it.
function clipFinalBlockScalar(doc: Document, end: number): void {
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || !node.range || node.range[1] < end) return;
      if ((node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') && typeof node.value === 'string') {
        if (node.value.endsWith('\n') && !node.value.endsWith('\n\n')) node.value = node.value.slice(0, -1);
      }
    },
  });
}

/** Parses exactly one YAML document (a kustomization file, a patch); null when the text is empty. */
export function parseYamlDocument(text: string, source: string): Json {
  const docs = parseYamlStream(text, source);
  return docs[0] ?? null;
}

import { parseAllDocuments } from 'yaml';
import type { Json } from './emit';

/** Parses a (multi-document) YAML or JSON stream into plain values; empty documents are dropped. */
export function parseYamlStream(text: string, source: string): Json[] {
  const docs = parseAllDocuments(text, { version: '1.2', uniqueKeys: true, merge: true });
  if (!Array.isArray(docs)) {
    // parseAllDocuments returns an EmptyStream for blank input
    return [];
  }
  const out: Json[] = [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) throw new Error(`failed to parse ${source}: ${err.message}`);
    const v = doc.toJS({ maxAliasCount: -1 }) as Json | undefined;
    if (v === null || v === undefined) continue;
    out.push(v);
  }
  return out;
}

/** Parses exactly one YAML document (a kustomization file, a patch); null when the text is empty. */
export function parseYamlDocument(text: string, source: string): Json {
  const docs = parseYamlStream(text, source);
  return docs[0] ?? null;
}

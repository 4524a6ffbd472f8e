import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fastParseYamlStream } from '../src/yaml/fast-parse';
import { parseWithDocuments, SCHEMA_TAGS } from '../src/yaml/parse';

// Every YAML and JSON file of the conformance corpus must read the same through the fast path as through the
// yaml package, and the big CRDs must actually take the fast path (that is where build time goes).
const corpus = process.env['KUSTOMIZE_CORPUS'] ?? path.resolve(__dirname, '../../../../shared/kustomize-corpus');

function files(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) files(p, out);
    else if (/\.(ya?ml|json)$|^Kustomization$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('fast YAML path on the kustomize corpus', () => {
  const all = fs.existsSync(corpus) ? files(corpus) : [];

  it('finds the corpus', () => {
    expect(all.length).toBeGreaterThan(100);
  });

  it('reads every file as the yaml package does', () => {
    const differing: string[] = [];
    for (const f of all) {
      const text = fs.readFileSync(f, 'utf8');
      const got = fastParseYamlStream(text, SCHEMA_TAGS);
      if (got === undefined) continue;
      let expected: unknown;
      try {
        expected = parseWithDocuments(text, f);
      } catch {
        differing.push(`${f} (the yaml package rejects it)`);
        continue;
      }
      if (!isDeepStrictEqual(got, expected)) differing.push(f);
    }
    expect(differing).toEqual([]);
  });

  it('takes the fast path for the large CRDs', () => {
    const crd = path.join(corpus, 'public/argo-cd--manifests-cluster-install/crds/application-crd.yaml');
    expect(fastParseYamlStream(fs.readFileSync(crd, 'utf8'), SCHEMA_TAGS)).toBeDefined();
  });
});

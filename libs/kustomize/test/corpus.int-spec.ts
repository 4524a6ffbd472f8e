import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildKustomization, NodeFileSystem } from '../src/index';

// The conformance corpus recorded from `kubectl kustomize` v5.5.0: every case is built in-process and compared
// byte for byte with the oracle's output, in legacy and FIFO order; error cases must be rejected.
const corpus = process.env['KUSTOMIZE_CORPUS'] ?? path.resolve(__dirname, '../../../../shared/kustomize-corpus');

// Cases Ferry does not reproduce yet; each must still fail, so fixing one forces this list to shrink.
const KNOWN_FAILURES = new Set<string>([]);

interface Case {
  id: string;
  dir: string;
  caseDir: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const suite of ['public', 'authored']) {
    const base = path.join(corpus, suite);
    for (const name of fs.readdirSync(base).sort()) {
      const caseDir = path.join(base, name);
      const rel = fs.readFileSync(path.join(caseDir, 'cmd'), 'utf8').trim().split(/\s+/).pop() ?? '.';
      out.push({ id: `${suite}/${name}`, dir: path.resolve(caseDir, rel), caseDir });
    }
  }
  return out;
}

// `undefined` is kubectl without --reorder: legacy unless the kustomization's sortOptions say otherwise.
function build(dir: string, reorder: 'none' | undefined): string {
  return buildKustomization(dir, { fs: new NodeFileSystem('/'), reorder });
}

describe('kustomize conformance corpus', () => {
  it('is present', () => {
    expect(fs.existsSync(path.join(corpus, 'run.sh'))).toBe(true);
  });

  const all = fs.existsSync(corpus) ? cases() : [];

  it.each(all.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const errorFile = path.join(c.caseDir, 'expected-error.txt');
    if (fs.existsSync(errorFile)) {
      expect(() => build(c.dir, undefined)).toThrow();
      return;
    }
    const legacy = fs.readFileSync(path.join(c.caseDir, 'expected.yaml'), 'utf8');
    const fifo = fs.readFileSync(path.join(c.caseDir, 'expected-fifo.yaml'), 'utf8');
    const ok = build(c.dir, undefined) === legacy && build(c.dir, 'none') === fifo;
    if (KNOWN_FAILURES.has(c.id)) expect(ok).toBe(false);
    else {
      expect(build(c.dir, undefined)).toBe(legacy);
      expect(build(c.dir, 'none')).toBe(fifo);
    }
  });
});

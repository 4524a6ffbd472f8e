import { compareKeys, emitYaml } from './emit';
import { parseYamlStream } from './parse';

describe('emitYaml (go-yaml v3 style, as kustomize prints)', () => {
  it('sorts keys naturally and writes indentless sequences', () => {
    expect(emitYaml({ b: [1, { y: 'x', a: true }], a10: 1, a9: null })).toBe(
      'a9: null\na10: 1\nb:\n- 1\n- a: true\n  "y": x\n',
    );
  });

  it('quotes strings that would read back as another type', () => {
    expect(emitYaml({ a: 'true', b: '1.10', c: 'yes', d: '', e: '~', f: '0x1F', g: 'plain' })).toBe(
      'a: "true"\nb: "1.10"\nc: "yes"\nd: ""\ne: "~"\nf: "0x1F"\ng: plain\n',
    );
  });

  it('single-quotes indicators and uses block literals for multi-line text', () => {
    expect(emitYaml({ a: '*x', b: 'a: b', c: 'l1\nl2\n', d: 'l1\nl2', e: ' lead' })).toBe(
      "a: '*x'\nb: 'a: b'\nc: |\n  l1\n  l2\nd: |-\n  l1\n  l2\ne: ' lead'\n",
    );
  });

  it('falls back to double quotes with escapes for tabs and trailing spaces before breaks', () => {
    expect(emitYaml({ t: 'a\tb', s: 'a \nb' })).toBe('s: "a \\nb"\nt: "a\\tb"\n');
  });

  it('wraps long plain scalars past column 80', () => {
    const long = Array.from({ length: 30 }, () => 'word').join(' ');
    const out = emitYaml({ k: long });
    expect((out.split('\n')[0] ?? '').length).toBeGreaterThan(80);
    expect(out.split('\n').length).toBe(3);
    expect(parseYamlStream(out, 't')).toEqual([{ k: long }]);
  });

  it('round-trips values through parse and emit', () => {
    const v = { data: { k: 'multi\n\nline\n\n', n: 12, f: 1.5, list: [[], {}], u: 'grüße ✓' } };
    expect(parseYamlStream(emitYaml(v), 't')).toEqual([v]);
  });

  it('orders non-letters before letters and digits numerically', () => {
    expect(['ab', 'a-b', 'a10', 'a9', 'A', 'x01', 'x1'].sort(compareKeys)).toEqual(['A', 'a-b', 'a9', 'a10', 'ab', 'x1', 'x01']);
  });
});

describe('emitYaml round-trip property', () => {
  // Random JSON values (strings drawn from awkward characters) must read back unchanged.
  it('parse(emit(v)) equals v for random values', () => {
    let x = 7;
    const rnd = (n: number): number => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x % n;
    };
    const alphabet = ['a', 'Z', ' ', ':', '#', '-', "'", '"', '\n', '\t', '1', '.', 'é', '{', '*', '~', 'yes', 'null', '0x1', '\\'];
    const str = (): string => Array.from({ length: rnd(12) }, () => alphabet[rnd(alphabet.length)]).join('');
    const value = (depth: number): unknown => {
      const r = rnd(depth > 2 ? 4 : 7);
      if (r === 0) return str();
      if (r === 1) return rnd(100000) - 500;
      if (r === 2) return rnd(2) === 0;
      if (r === 3) return null;
      if (r === 4) return Array.from({ length: rnd(4) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = 0; i < rnd(5); i++) o[str() || 'k'] = value(depth + 1);
      return o;
    };
    for (let i = 0; i < 300; i++) {
      const v = { root: value(0) };
      expect(parseYamlStream(emitYaml(v as never), 'prop')).toEqual([v]);
    }
  });
});

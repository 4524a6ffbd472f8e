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

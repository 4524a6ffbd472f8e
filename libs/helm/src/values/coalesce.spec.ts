import { loadChartFiles } from '../chart/load-chart';
import { HelmError } from '../errors';
import type { Chart } from '../chart/chart';
import { parseYaml } from '../yaml';
import { coalesceTables, coalesceValues, mergeMaps, pathValue } from './coalesce';

function chart(name: string, values: string, dependencies: Chart[] = []): Chart {
  return { ...loadChartFiles({ 'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`, 'values.yaml': values }), dependencies };
}

// Helm's TestCoalesceValues (pkg/chartutil): the moby chart with subcharts pequod (and its ahab) and spouter.
const moby = chart(
  'moby',
  'back: exists\nbottom: exists\nfront: exists\nleft: exists\nname: moby\nnested:\n  boat: true\noverride: bad\nright: exists\nscope: moby\ntop: nope\n',
  [
    chart('pequod', 'name: pequod\nscope: pequod\n', [chart('ahab', 'scope: ahab\nname: ahab\nboat: true\nnested:\n  foo: false\n  bar: true\n')]),
    chart('spouter', 'scope: spouter\n'),
  ],
);
const user = parseYaml(`
top: yup
bottom: null
right: Null
left: NULL
front: ~
back: ""
nested:
  boat: null
global:
  name: Ishmael
  subject: Queequeg
  nested:
    boat: true
pequod:
  global:
    name: Stinky
    harpooner: Tashtego
    nested:
      boat: false
      sail: true
  ahab:
    scope: whale
    boat: null
    nested:
      foo: true
      bar: null
`) as Record<string, unknown>;

describe('coalesceValues', () => {
  const v = coalesceValues(moby, user);
  it.each([
    ['top', 'yup'],
    ['back', ''],
    ['name', 'moby'],
    ['global.name', 'Ishmael'],
    ['global.subject', 'Queequeg'],
    ['global.harpooner', undefined],
    ['pequod.name', 'pequod'],
    ['pequod.ahab.name', 'ahab'],
    ['pequod.ahab.scope', 'whale'],
    ['pequod.ahab.nested.foo', true],
    ['pequod.ahab.global.name', 'Ishmael'],
    ['pequod.ahab.global.subject', 'Queequeg'],
    ['pequod.ahab.global.harpooner', 'Tashtego'],
    ['pequod.global.name', 'Ishmael'],
    ['pequod.global.subject', 'Queequeg'],
    ['spouter.global.name', 'Ishmael'],
    ['spouter.global.harpooner', undefined],
    ['global.nested.boat', true],
    ['pequod.global.nested.boat', true],
    ['spouter.global.nested.boat', true],
    ['pequod.global.nested.sail', true],
    ['spouter.global.nested.sail', undefined],
  ])('%s is %p, as in Helm', (path, expected) => {
    expect(pathValue(v, path)).toBe(expected);
  });

  it('deletes chart defaults the user sets to null, in subcharts too, leaving the user values alone', () => {
    for (const key of ['bottom', 'right', 'left', 'front']) expect(key in v).toBe(false);
    expect(v['nested']).toEqual({});
    const ahab = pathValue(v, 'pequod.ahab') as Record<string, unknown>;
    expect('boat' in ahab).toBe(false);
    expect(ahab['nested']).toEqual({ foo: true });
    expect(pathValue(user, 'pequod.ahab.boat')).toBeNull();
  });

  it('replaces lists and merges maps, leaving its inputs alone', () => {
    const c = chart('c', 'list: [1, 2]\nmap: {a: 1, b: {c: 2}}\n');
    const userValues = { list: [3], map: { b: { d: 4 } } };
    expect(coalesceValues(c, userValues)).toEqual({ list: [3], map: { a: 1, b: { c: 2, d: 4 } } });
    expect(userValues).toEqual({ list: [3], map: { b: { d: 4 } } });
    expect(c.values).toEqual({ list: [1, 2], map: { a: 1, b: { c: 2 } } });
  });

  it("lets a user null delete a subchart default that the parent's values.yaml also sets", () => {
    const parent = chart('parent', 'sub:\n  a: from-parent\n  b: kept\n', [chart('sub', 'a: from-sub\nc: sub-only\n')]);
    expect(coalesceValues(parent, { sub: { a: null } })['sub']).toEqual({ b: 'kept', c: 'sub-only', global: {} });
  });

  it('refuses a scalar where a subchart expects its values map', () => {
    expect(() => coalesceValues(moby, { spouter: 'nope' })).toThrow(HelmError);
    expect(() => coalesceValues(moby, { spouter: ['x'] })).toThrow('chart moby: type mismatch on spouter: values for subchart spouter must be a map, not a list');
  });
});

describe('coalesceTables', () => {
  // Helm's TestCoalesceTables: anything in dst overrides src, otherwise values are coalesced
  it('keeps the destination and fills gaps from the source', () => {
    const dst: Record<string, unknown> = {
      name: 'Ishmael',
      address: { street: '123 Spouter Inn Ct.', city: 'Nantucket' },
      details: { friends: ['Tashtego'] },
      boat: 'pequod',
    };
    coalesceTables(dst, {
      occupation: 'whaler',
      address: { state: 'MA', street: '234 Spouter Inn Ct.' },
      details: 'empty',
      boat: { mast: true },
    });
    expect(dst).toEqual({
      name: 'Ishmael',
      occupation: 'whaler',
      address: { street: '123 Spouter Inn Ct.', city: 'Nantucket', state: 'MA' },
      details: { friends: ['Tashtego'] },
      boat: 'pequod',
    });
  });
});

describe('mergeMaps', () => {
  it('merges maps, replaces everything else and keeps nulls, later sources winning', () => {
    const a = { image: { repository: 'app', tag: '1.0' }, list: [1, 2], drop: 'x' };
    expect(mergeMaps(a, { image: { tag: '2.0' }, list: [3], drop: null, extra: true })).toEqual({
      image: { repository: 'app', tag: '2.0' },
      list: [3],
      drop: null,
      extra: true,
    });
    expect(a.image.tag).toBe('1.0');
  });
});

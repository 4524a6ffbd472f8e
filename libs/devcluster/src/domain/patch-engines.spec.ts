import { fieldSetOf, fromFieldsV1, toFieldsV1 } from './field-set';
import { applyJsonPatch, applyMergePatch } from './json-patch';
import { JsonObject } from './json';
import { listTypesFor } from './list-types';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors';
import { strategicMerge } from './strategic-merge';

const podTypes = listTypesFor(true, 'Pod');

describe('strategic merge patch', () => {
  const live: JsonObject = {
    spec: {
      containers: [
        { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] },
        { name: 'b', image: 'b:1' },
      ],
      tolerations: [{ key: 't1' }],
    },
    metadata: { finalizers: ['f1'] },
  };

  it('merges keyed lists by key and replaces atomic lists', () => {
    const out = strategicMerge(live, { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }] }], tolerations: [{ key: 't2' }] } }, [], podTypes);
    expect(out).toEqual({
      spec: {
        containers: [
          { name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] },
          { name: 'b', image: 'b:1' },
        ],
        tolerations: [{ key: 't2' }],
      },
      metadata: { finalizers: ['f1'] },
    });
  });

  it('honours $patch: delete, $patch: replace, $setElementOrder, $deleteFromPrimitiveList and null', () => {
    const out = strategicMerge(
      live,
      {
        spec: {
          containers: [{ name: 'b', $patch: 'delete' }],
          '$setElementOrder/containers': [{ name: 'a' }],
        },
        metadata: { '$deleteFromPrimitiveList/finalizers': ['f1'] },
      },
      [],
      podTypes,
    ) as JsonObject;
    expect((out['spec'] as JsonObject)['containers']).toEqual([{ name: 'a', image: 'a:1', env: [{ name: 'X', value: '1' }] }]);
    expect((out['metadata'] as JsonObject)['finalizers']).toEqual([]);
    const replaced = strategicMerge(live, { spec: { $patch: 'replace', containers: [] } }, [], podTypes);
    expect(replaced).toEqual({ spec: { containers: [] }, metadata: { finalizers: ['f1'] } });
    expect(strategicMerge(live, { spec: { tolerations: null } }, [], podTypes)).not.toHaveProperty('spec.tolerations');
  });
});

describe('JSON patch and merge patch', () => {
  it('applies add/remove/replace/move/copy/test', () => {
    const out = applyJsonPatch({ a: [1, 2], b: { c: 'x' } }, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'replace', path: '/b/c', value: 'y' },
      { op: 'copy', from: '/b', path: '/d' },
      { op: 'move', from: '/d/c', path: '/e' },
      { op: 'remove', path: '/a/0' },
      { op: 'test', path: '/e', value: 'y' },
    ]);
    expect(out).toEqual({ a: [2, 3], b: { c: 'y' }, d: {}, e: 'y' });
    expect(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow('testing value /a failed');
  });

  it('merge patch deletes with null and replaces lists', () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null }, l: [3] })).toEqual({ a: { c: 2 }, l: [3] });
  });
});

describe('field sets', () => {
  it('round-trips through FieldsV1', () => {
    const set = fieldSetOf({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, podTypes);
    const tree = toFieldsV1(set);
    expect(tree).toEqual({
      'f:metadata': { 'f:labels': { 'f:a': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
    });
    expect(fromFieldsV1(tree)).toEqual(set);
  });
});

describe('selectors', () => {
  it('parses and matches label selectors', () => {
    const sel = parseLabelSelector('app=web,tier in (a, b),!legacy,env!=prod');
    expect(matchesLabels(sel, { app: 'web', tier: 'b' })).toBe(true);
    expect(matchesLabels(sel, { app: 'web', tier: 'c' })).toBe(false);
    expect(matchesLabels(sel, { app: 'web', tier: 'a', legacy: 'y' })).toBe(false);
    expect(matchesLabels(sel, { app: 'web', tier: 'a', env: 'prod' })).toBe(false);
  });

  it('matches field selectors on dotted paths', () => {
    const pod = { metadata: { name: 'p', namespace: 'n' }, status: { phase: 'Running' } };
    expect(matchesFields(parseFieldSelector('metadata.name=p,status.phase!=Pending'), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector('metadata.namespace==other'), pod)).toBe(false);
  });
});

import { composeValues, configDigest, parseTargetPath, setPathValue, type ValuesSource } from './helm-values';

const source = (fields: Partial<ValuesSource>): ValuesSource => ({ kind: 'ConfigMap', name: 'values', valuesKey: 'values.yaml', data: '', ...fields });

describe('valuesFrom composition', () => {
  it('given several sources, when composed, then they merge in order and spec.values wins', () => {
    const values = composeValues(
      [
        source({ parsed: { replicaCount: 1, image: { tag: '1.0', repository: 'ghcr.io/podinfo' }, list: [1, 2] } }),
        source({ kind: 'Secret', parsed: { image: { tag: '2.0' }, list: [3] } }),
      ],
      { replicaCount: 3 },
    );
    expect(values).toEqual({ replicaCount: 3, image: { tag: '2.0', repository: 'ghcr.io/podinfo' }, list: [3] });
  });

  it('given a targetPath, then the key text goes there as a string', () => {
    const values = composeValues([source({ targetPath: 'auth.credentials[1].password', data: 's3cret' })], { auth: { enabled: true } });
    expect(values).toEqual({ auth: { enabled: true, credentials: [null, { password: 's3cret' }] } });
  });

  it('given an optional source that is missing, then it is skipped', () => {
    expect(composeValues([source({ data: undefined })], { a: 1 })).toEqual({ a: 1 });
  });

  it('parses --set paths with escaped dots and indexes, and refuses bad ones', () => {
    expect(parseTargetPath('ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/rewrite')).toEqual([
      { key: 'ingress' },
      { key: 'annotations' },
      { key: 'nginx.ingress.kubernetes.io/rewrite' },
    ]);
    expect(parseTargetPath('a[0][2].b')).toEqual([{ key: 'a' }, { index: 0 }, { index: 2 }, { key: 'b' }]);
    expect(() => parseTargetPath('a..b')).toThrow("targetPath 'a..b': empty key");
    expect(() => parseTargetPath('a[x]')).toThrow('list index must be a non-negative integer');
    const target: Record<string, unknown> = { a: 'scalar', b: { c: 1 } };
    setPathValue(target, 'a[0]', 'v');
    setPathValue(target, 'b.d', 'w');
    expect(target).toEqual({ a: ['v'], b: { c: 1, d: 'w' } });
  });

  it('digests values independently of key order; no values digest as nothing', () => {
    expect(configDigest({ a: 1, b: { c: 2, d: 3 } })).toBe(configDigest({ b: { d: 3, c: 2 }, a: 1 }));
    expect(configDigest({ a: 1 })).not.toBe(configDigest({ a: 2 }));
    expect(configDigest({})).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

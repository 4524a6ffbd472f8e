import { composeValues, configDigest, setTargetPath, type ValuesSource } from './helm-values';

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

  it('given a targetPath, then the key text is set there as Helm --set does, quoted text as a string', () => {
    const values = composeValues([source({ targetPath: 'auth.credentials[1].password', data: 's3cret' }), source({ targetPath: 'replicas', data: '3' })], { auth: { enabled: true } });
    expect(values).toEqual({ auth: { enabled: true, credentials: [null, { password: 's3cret' }] }, replicas: 3 });
    const quoted: Record<string, unknown> = {};
    setTargetPath(quoted, 'image.tag', '"1.10"');
    setTargetPath(quoted, 'annotations.nginx\\.ingress\\.kubernetes\\.io/rewrite', "'true'");
    expect(quoted).toEqual({ image: { tag: '1.10' }, annotations: { 'nginx.ingress.kubernetes.io/rewrite': 'true' } });
  });

  it('given an optional source that is missing, then it is skipped', () => {
    expect(composeValues([source({ data: undefined })], { a: 1 })).toEqual({ a: 1 });
  });

  it('digests values independently of key order; no values digest as nothing', () => {
    expect(configDigest({ a: 1, b: { c: 2, d: 3 } })).toBe(configDigest({ b: { d: 3, c: 2 }, a: 1 }));
    expect(configDigest({ a: 1 })).not.toBe(configDigest({ a: 2 }));
    expect(configDigest({})).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

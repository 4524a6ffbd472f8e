import { expand, substitute } from './substitute';

describe('postBuild substitution (Flux)', () => {
  it('expands ${var} and defaults, and leaves $var and escaped $${var} alone', () => {
    expect(expand('a=${A} b=${B:=dflt} c=${C:-x} d=$D e=$${A}', { A: '1' })).toBe('a=1 b=dflt c=x d=$D e=${A}');
  });

  it('substitutes unset variables with empty strings unless strict', () => {
    expect(expand('x${MISSING}y', {})).toBe('xy');
    expect(() => expand('x${MISSING}y', {}, { strict: true })).toThrow(/MISSING/);
  });

  it('keeps types when a substituted value is a number in YAML', () => {
    const [out] = substitute([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, spec: { replicas: '${N}' } }], { N: '3' });
    expect(out).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, spec: { replicas: 3 } });
  });

  it('skips objects annotated kustomize.toolkit.fluxcd.io/substitute: disabled', () => {
    const obj = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' } },
      data: { k: '${X}' },
    };
    expect(substitute([obj], { X: 'y' })[0]).toBe(obj);
  });

  it('rejects invalid variable names', () => {
    expect(() => substitute([], { 'bad-name': 'x' })).toThrow(/var name is invalid/);
  });
});

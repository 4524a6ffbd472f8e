import { CelError, compileCel, type CelValue } from './cel';

const res = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'test-resource', namespace: 'apps', labels: { team: 'a', tier: 'web' } } };
const run = (expression: string, req: Record<string, CelValue> = {}) => compileCel(expression, ['res', 'req']).evaluateBool({ res, req });

describe('CEL resource filters', () => {
  it.each([
    // Flux's own evaluation cases (receiver_resource_filter_test.go).
    [`res.metadata.name == 'test-resource' && req.target.repository == 'hello-world'`, { target: { repository: 'hello-world' } }, true],
    ['req.bool == true', { bool: true }, true],
    [`res.metadata.name == 'test-resource' && req.image.source.split(':').last().value().startsWith('v')`, { image: { source: 'hello-world:v1.0.0' } }, true],
    // Operators, precedence, strings, lists, maps, numbers from JSON (doubles) against int literals.
    ['true', {}, true],
    [`'team' in res.metadata.labels && res.metadata.labels.team == "a"`, {}, true],
    [`res.metadata.labels.tier in ['api', 'db']`, {}, false],
    ['req.replicas >= 2 && req.replicas * 2.0 == 6.0 && req.replicas == 3', { replicas: 3 }, true],
    ['1 + 2 * 3 == 7 && (1 + 2) * 3 == 9 && 7 / 2 == 3 && 7 % 4 == 3 && -2 < 0', {}, true],
    [`req.tags.exists(t, t.matches('^v[0-9]+$')) && req.tags.all(t, size(t) <= 3) && req.tags.exists_one(t, t == 'v1')`, { tags: ['v1', 'v22'] }, true],
    [`req.tags.filter(t, t.startsWith('v2')).size() == 1 && req.tags.map(t, t.upperAscii()) == ['V1', 'V22']`, { tags: ['v1', 'v22'] }, true],
    [`has(res.metadata.annotations) || !has(res.metadata.labels)`, {}, false],
    [`res.metadata.labels.exists(k, k == 'tier') ? res.kind.lowerAscii() == 'kustomization' : false`, {}, true],
    [`req.ref.endsWith('/main') && req.ref.contains('heads') && string(req.n) + 'x' == '2x' && int('7') == 7`, { ref: 'refs/heads/main', n: 2 }, true],
    [`{'a': 1}.a == 1 && [1, 2][1] == 2 && req['weird-key'] == 'ok' && r'\\d' == '\\\\d' && "\\u00e9" == 'é'`, { 'weird-key': 'ok' }, true],
    // Errors on one side are absorbed when the other side decides, as in CEL.
    ['req.missing == 1 || true', {}, true],
    ['false && req.missing == 1', {}, false],
  ])('%s → %s', (expression, req, expected) => {
    expect(run(expression, req as Record<string, CelValue>)).toBe(expected);
  });

  it.each([
    ["'test'", 'CEL expression output type mismatch: expected bool, got string'],
    ['requrest.body.value', "undeclared reference to 'requrest'"],
    ['res.metadata.name == ', 'unexpected "end of expression" at position 21'],
    ['res.metadata.name.reverse() == "x"', "undeclared reference to 'reverse'"],
    ['unknownFn(res)', "undeclared reference to 'unknownFn'"],
    ["'open", 'unterminated string at position 0'],
    ['req.a # 1', 'unexpected character "#" at position 6'],
  ])('refuses %s when compiling: %s', (expression, message) => {
    expect(() => compileCel(expression, ['res', 'req'])).toThrow(new CelError(message));
  });

  it.each([
    ['req.missing == 1', {}, 'no such key: missing'],
    ['req.n', { n: 1 }, 'CEL expression output type mismatch: expected bool, got double'],
    ["req.s + 1 == 'x'", { s: 'x' }, 'no such overload: +(string, int)'],
    ['1 / 0 == 1', {}, 'division by zero'],
    ['[].last().value() == 1', {}, 'optional.none() has no value'],
    ["req.s.matches('(') ", { s: 'x' }, 'invalid regular expression "(": Invalid regular expression: /(/: Unterminated group'],
  ])('fails evaluating %s with %j: %s', (expression, req, message) => {
    expect(() => run(expression, req as Record<string, CelValue>)).toThrow(new CelError(message));
  });
});

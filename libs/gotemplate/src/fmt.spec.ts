import { sprint, sprintf, sprintln } from './fmt';
import { formatFloat, formatValue } from './values';

/** Input/expected pairs from Go's fmt documentation and fmt_test.go (ints are bigints, float64s numbers). */
type Case = [format: string, args: unknown[], expected: string];

const cases: Case[] = [
  ['%d', [12345n], '12345'],
  ['%v', [12345n], '12345'],
  ['%+d', [12345n], '+12345'],
  ['% d', [12345n], ' 12345'],
  ['%x', [12345n], '3039'],
  ['%X', [0xabcn], 'ABC'],
  ['%#x', [12345n], '0x3039'],
  ['%o', [12345n], '30071'],
  ['%#o', [8n], '010'],
  ['%O', [8n], '0o10'],
  ['%b', [5n], '101'],
  ['%5d', [12n], '   12'],
  ['%-5d|', [12n], '12   |'],
  ['%05d', [-12n], '-0012'],
  ['%.3d', [7n], '007'],
  ['%6.3d', [-7n], '  -007'],
  ['%.0d', [0n], ''],
  ['%c', [120n], 'x'],
  ['%q', [120n], "'x'"],
  ['%U', [0x1f600n], 'U+1F600'],
  ['%d', [-9223372036854775808n], '-9223372036854775808'],
  ['%s', ['abc'], 'abc'],
  ['%5s', ['abc'], '  abc'],
  ['%-5s|', ['abc'], 'abc  |'],
  ['%.2s', ['abc'], 'ab'],
  ['%.1s', ['日本語'], '日'],
  ['%q', ['abc'], '"abc"'],
  ['%q', ['"quoted"\n'], '"\\"quoted\\"\\n"'],
  ['%#q', ['abc'], '`abc`'],
  ['%#q', ['a`b'], '"a`b"'],
  ['%x', ['xyz'], '78797a'],
  ['%X', ['xyz'], '78797A'],
  ['%q', ['日本\x01'], '"日本\\x01"'],
  ['%f', [1.0], '1.000000'],
  ['%.2f', [3.14159], '3.14'],
  ['%8.3f', [3.14159], '   3.142'],
  ['%-8.3f|', [3.14159], '3.142   |'],
  ['%08.3f', [-3.14159], '-003.142'],
  ['%+.2f', [3], '+3.00'],
  ['%.0f', [2.5], '2'],
  ['%.0f', [3.5], '4'],
  ['%.2f', [0.125], '0.12'],
  ['%.2f', [0.375], '0.38'],
  ['%.1f', [0.05], '0.1'],
  ['%e', [1.0], '1.000000e+00'],
  ['%.2e', [123456.789], '1.23e+05'],
  ['%E', [1e-10], '1.000000E-10'],
  ['%g', [1e6], '1e+06'],
  ['%g', [100000.0], '100000'],
  ['%g', [1e-5], '1e-05'],
  ['%g', [0.0001], '0.0001'],
  ['%.3g', [1234.5678], '1.23e+03'],
  ['%.3g', [1.0], '1'],
  ['%G', [1e-10], '1E-10'],
  ['%v', [1e21], '1e+21'],
  ['%v', [123456789.0], '1.23456789e+08'],
  ['%v', [-0.5], '-0.5'],
  ['%v', [NaN], 'NaN'],
  ['%v', [Infinity], '+Inf'],
  ['%f', [-Infinity], '-Inf'],
  ['%t', [true], 'true'],
  ['%v', [false], 'false'],
  ['%v', [null], '<nil>'],
  ['%s', [null], '%!s(<nil>)'],
  ['%d', [null], '%!d(<nil>)'],
  ['%d', ['x'], '%!d(string=x)'],
  ['%d', [1.5], '%!d(float64=1.5)'],
  ['%f', [1n], '%!f(int=1)'],
  ['%s', [true], '%!s(bool=true)'],
  ['%d', [], '%!d(MISSING)'],
  ['x', [1n, 'a'], 'x%!(EXTRA int=1, string=a)'],
  ['%', [], '%!(NOVERB)'],
  ['100%%', [], '100%'],
  ['%*d', [5n, 42n], '   42'],
  ['%-*d|', [5n, 42n], '42   |'],
  ['%.*f', [2n, 3.14159], '3.14'],
  ['%T %T %T %T %T %T', [1n, 1.5, 's', true, [1n], { a: 1n }], 'int float64 string bool []interface {} map[string]interface {}'],
  ['%T', [null], '<nil>'],
  ['%v', [[1n, 2n]], '[1 2]'],
  ['%d', [[1n, 2n]], '[1 2]'],
  ['%q', [['a', 'b']], '["a" "b"]'],
  ['%x', [[10n, 11n]], '[a b]'],
  ['%v', [{ b: 2n, a: [1n, null] }], 'map[a:[1 <nil>] b:2]'],
  ['%s', [{ k: 'v' }], 'map[k:v]'],
  ['%v', [new Map<string, unknown>([['z', 1n], ['a', 'x']])], 'map[a:x z:1]'],
  ['%s', [new Uint8Array([104, 105])], 'hi'],
  ['%v', [new Uint8Array([104, 105])], '[104 105]'],
  ['%v|%6v|%-6v|', ['a', 'b', 'c'], 'a|     b|c     |'],
];

describe('sprintf (Go fmt)', () => {
  it.each(cases)('%s %j', (format, args, expected) => {
    expect(sprintf(format, args)).toBe(expected);
  });
});

describe('sprint and sprintln', () => {
  it('adds spaces between operands when neither is a string', () => {
    expect(sprint([1n, 2n, 'a', 'b', 3n, 4.5])).toBe('1 2ab3 4.5');
    expect(sprint([])).toBe('');
  });
  it('println always separates and ends with a newline', () => {
    expect(sprintln(['a', 'b', 1n])).toBe('a b 1\n');
  });
});

describe('formatFloat', () => {
  it.each([
    [0, 'g', -1, '0'],
    [-0, 'g', -1, '-0'],
    [1e20, 'f', -1, '100000000000000000000'],
    [0.000001, 'g', -1, '1e-06'],
    [123.456, 'e', -1, '1.23456e+02'],
    [5e-324, 'g', -1, '5e-324'],
    [1.7976931348623157e308, 'g', -1, '1.7976931348623157e+308'],
  ] as const)('%p %s %p', (v, fmt, prec, expected) => {
    expect(formatFloat(v, fmt, prec)).toBe(expected);
  });

  it('formats values as %v', () => {
    expect(formatValue(3)).toBe('3');
    expect(formatValue(0.1 + 0.2)).toBe('0.30000000000000004');
  });
});

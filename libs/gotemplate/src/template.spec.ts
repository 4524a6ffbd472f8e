import { Template, TemplateError, variadic } from './index';

/**
 * Input/expected pairs from Go's text/template documentation and its exec_test.go / parse_test.go tables,
 * with Go's test data (type T) mirrored as engine values: Go ints are bigints, float64s numbers.
 */
const tVal = {
  True: true,
  I: 17n,
  U16: 16n,
  X: 'x',
  S: 'xyz',
  U: { V: 'v' },
  FloatZero: 0,
  MSIone: { one: 1n },
  MSI: { one: 1n, two: 2n, three: 3n },
  MSIEmpty: {},
  MXI: {} as Record<string, unknown>,
  SI: [3n, 4n, 5n],
  SIEmpty: [],
  SB: [true, false],
  SMSI: [
    { one: 1n, two: 2n },
    { eleven: 11n, twelve: 12n },
  ],
  Empty0: null,
  Empty3: [7n, 8n],
  Empty4: { V: 'UinEmpty' },
  PSI: [21n, 22n, 23n],
  BinaryFunc: (a: unknown, b: unknown) => `[${a}=${b}]`,
  VariadicFunc: variadic(0, (...s: unknown[]) => `<${s.join('+')}>`),
  NilOKFunc: (p: unknown) => p === null,
};

const funcs = {
  echo: (x: unknown) => x,
  add: (a: unknown, b: unknown) => (a as bigint) + (b as bigint),
  makemap: variadic(0, (...kv: unknown[]) => {
    const m: Record<string, unknown> = {};
    for (let i = 0; i < kv.length; i += 2) m[String(kv[i])] = kv[i + 1];
    return m;
  }),
  mapOfThree: () => ({ three: 3n }),
  zeroArgs: () => 'zeroArgs',
  oneArg: (a: unknown) => `oneArg=${a}`,
  count: (n: unknown) => Array.from({ length: Number(n) }, (_, i) => 'abcdefghijklmnop'[i]),
};

function run(text: string, data: unknown, options = {}): string {
  return new Template('t', options).funcs(funcs).parse(text).execute(data);
}

type Case = [name: string, text: string, expected: string, data?: unknown];

const execCases: Case[] = [
  ['empty', '', ''],
  ['text', 'some text', 'some text'],
  ['nil action', '{{nil}}', 'ERROR: nil is not a command'],
  ['dot int', '<{{.}}>', '<13>', 13n],
  ['dot float', '<{{.}}>', '<15.1>', 15.1],
  ['dot bool', '<{{.}}>', '<true>', true],
  ['dot string', '<{{.}}>', '<hello>', 'hello'],
  ['dot slice', '<{{.}}>', '<[-1 -2 -3]>', [-1n, -2n, -3n]],
  ['dot map', '<{{.}}>', '<map[two:22]>', { two: 22n }],
  ['.X', '-{{.X}}-', '-x-', tVal],
  ['.U.V', '-{{.U.V}}-', '-v-', tVal],
  ['map .one', '{{.MSI.one}}', '1', tVal],
  ['map .two', '{{.MSI.two}}', '2', tVal],
  ['map .NO', '{{.MSI.NO}}', '<no value>', tVal],
  ['map .one interface', '{{.MXI.one}}', '<no value>', tVal],
  ['dot of a map value', '{{.MSIone}}', 'map[one:1]', tVal],
  ['$ int', '{{$}}', '123', 123n],
  ['$.I', '{{$.I}}', '17', tVal],
  ['$.U.V', '{{$.U.V}}', 'v', tVal],
  ['declare in action', '{{$x := $.U.V}}{{$x}}', 'v', tVal],
  ['simple assignment', '{{$x := 2}}{{$x = 3}}{{$x}}', '3'],
  ['nested assignment', '{{$x := 2}}{{if true}}{{$x = 3}}{{end}}{{$x}}', '3'],
  ['nested assignment changes the last declaration', '{{$x := 1}}{{if true}}{{$x := 2}}{{$x = 3}}{{end}}{{$x}}', '1'],
  ['V{6666}.String()', '-{{printf "%v" .}}-', '-<6666>-', new (class {
    goString(): string {
      return '<6666>';
    }
    goTypeName(): string {
      return 'V';
    }
  })()],
  ['.BinaryFunc', '{{call .BinaryFunc `1` `2`}}', '[1=2]', tVal],
  ['.VariadicFunc0', '{{call .VariadicFunc}}', '<>', tVal],
  ['.VariadicFunc2', '{{call .VariadicFunc `he` `llo`}}', '<he+llo>', tVal],
  ['if .BinaryFunc call', '{{ if .BinaryFunc}}{{call .BinaryFunc `1` `2`}}{{end}}', '[1=2]', tVal],
  ['if not .BinaryFunc call', '{{ if not .BinaryFunc}}{{call .BinaryFunc `1` `2`}}{{else}}No{{end}}', 'No', tVal],
  ['.NilOKFunc not nil', '{{call .NilOKFunc .PSI}}', 'false', tVal],
  ['.NilOKFunc nil', '{{call .NilOKFunc nil}}', 'true', tVal],
  ['call nil', '{{call nil}}', 'ERROR: error calling call: call of nil'],
  ['pipeline func', '-{{call .VariadicFunc `llo` | call .VariadicFunc `he` }}-', '-<he+<llo>>-', tVal],
  ['parens in pipeline', '{{printf `%d %d %d` (1) (2 | add 3) (add 4 (add 5 6))}}', '1 5 15'],
  ['parens: $ in paren', '{{($).X}}', 'x', tVal],
  ['parens: $ in paren in pipe', '{{($ | echo).X}}', 'x', tVal],
  ['parens: spaces and args', '{{(makemap "up" "down" "left" "right").left}}', 'right'],
  ['if true', '{{if true}}TRUE{{end}}', 'TRUE'],
  ['if false', '{{if false}}TRUE{{else}}FALSE{{end}}', 'FALSE'],
  ['if nil', '{{if nil}}TRUE{{end}}', 'ERROR: nil is not a command'],
  ['if 1', '{{if 1}}NON-ZERO{{else}}ZERO{{end}}', 'NON-ZERO'],
  ['if 0', '{{if 0}}NON-ZERO{{else}}ZERO{{end}}', 'ZERO'],
  ['if 1.5', '{{if 1.5}}NON-ZERO{{else}}ZERO{{end}}', 'NON-ZERO'],
  ['if 0.0', '{{if .FloatZero}}NON-ZERO{{else}}ZERO{{end}}', 'ZERO', tVal],
  ['if emptystring', '{{if ``}}NON-EMPTY{{else}}EMPTY{{end}}', 'EMPTY'],
  ['if string', '{{if `notempty`}}NON-EMPTY{{else}}EMPTY{{end}}', 'NON-EMPTY'],
  ['if emptyslice', '{{if .SIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}', 'EMPTY', tVal],
  ['if slice', '{{if .SI}}NON-EMPTY{{else}}EMPTY{{end}}', 'NON-EMPTY', tVal],
  ['if emptymap', '{{if .MSIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}', 'EMPTY', tVal],
  ['if map', '{{if .MSI}}NON-EMPTY{{else}}EMPTY{{end}}', 'NON-EMPTY', tVal],
  ['if map unset', '{{if .MXI.none}}NON-ZERO{{else}}ZERO{{end}}', 'ZERO', tVal],
  ['if map not unset', '{{if not .MXI.none}}ZERO{{else}}NON-ZERO{{end}}', 'ZERO', tVal],
  ['if $x with $y int', '{{if $x := true}}{{with $y := .I}}{{$x}},{{$y}}{{end}}{{end}}', 'true,17', tVal],
  ['if $x with $x int', '{{if $x := true}}{{with $x := .I}}{{$x}},{{end}}{{$x}}{{end}}', '17,true', tVal],
  ['if else if', '{{if false}}FALSE{{else if true}}TRUE{{end}}', 'TRUE'],
  ['if else chain', '{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}', '3'],
  ['print', '{{print "hello, print"}}', 'hello, print'],
  ['print 123', '{{print 1 2 3}}', '1 2 3'],
  ['print nil', '{{print nil}}', '<nil>'],
  ['print strings are not spaced', '{{print "a" "b" 1 2 "c"}}', 'ab1 2c'],
  ['println', '{{println 1 2 3}}', '1 2 3\n'],
  ['printf int', '{{printf "%04x" 127}}', '007f'],
  ['printf float', '{{printf "%g" 3.5}}', '3.5'],
  ['printf string', '{{printf "%s" "hello"}}', 'hello'],
  ['printf function', '{{printf "%#q" zeroArgs}}', '`zeroArgs`'],
  ['printf field', '{{printf "%s" .U.V}}', 'v', tVal],
  ['printf dot', '{{with .I}}{{printf "%d" .}}{{end}}', '17', tVal],
  ['printf var', '{{with $x := .I}}{{printf "%d" $x}}{{end}}', '17', tVal],
  ['html', '{{html "<script>alert(\\"XSS\\");</script>"}}', '&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;'],
  ['html pipeline', '{{printf "<script>alert(\\"XSS\\");</script>" | html}}', '&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;'],
  ['js', '{{js .}}', "It\\'d be nice.", "It'd be nice."],
  ['js escapes angle brackets', '{{js "<a>&="}}', '\\u003Ca\\u003E\\u0026\\u003D'],
  ['urlquery', '{{"http://www.example.org/"|urlquery}}', 'http%3A%2F%2Fwww.example.org%2F'],
  ['not', '{{not true}} {{not false}}', 'false true'],
  ['and', '{{and false 0}} {{and 1 0}} {{and 0 true}} {{and 1 1}}', 'false 0 0 1'],
  ['or', '{{or 0 0}} {{or 1 0}} {{or 0 true}} {{or 1 1}}', '0 1 true 1'],
  ['or short-circuits', '{{or 1 (call nil)}}', '1'],
  ['and short-circuits', '{{and 0 (call nil)}}', '0'],
  ['and pipeline operand', '{{1 | and 2}}', '1'],
  ['boolean if', '{{if and true 1 `hi`}}TRUE{{else}}FALSE{{end}}', 'TRUE'],
  ['boolean if not', '{{if and true 1 `hi` | not}}TRUE{{else}}FALSE{{end}}', 'FALSE'],
  ['slice[0]', '{{index .SI 0}}', '3', tVal],
  ['slice[1]', '{{index .SI 1}}', '4', tVal],
  ['slice[HUGE]', '{{index .SI 10}}', 'ERROR: error calling index: index out of range: 10', tVal],
  ['slice[WRONG]', '{{index .SI `hello`}}', 'ERROR: error calling index: cannot index slice/array with type string', tVal],
  ['slice[nil]', '{{index .SI nil}}', 'ERROR: error calling index: cannot index slice/array with nil', tVal],
  ['map[one]', '{{index .MSI `one`}}', '1', tVal],
  ['map[NO]', '{{index .MSI `XXX`}}', '<no value>', tVal],
  ['map[WRONG]', '{{index .MSI 10}}', 'ERROR: error calling index: value has type int; should be string', tVal],
  ['double index', '{{index .SMSI 1 `eleven`}}', '11', tVal],
  ['nil[1]', '{{index nil 1}}', 'ERROR: error calling index: index of untyped nil'],
  ['string index is a byte', '{{index "abc" 1}}', '98'],
  ['slice builtin', '{{slice .SI 1 2}} {{slice "hello" 1}} {{slice .SI}}', '[4] ello [3 4 5]', tVal],
  ['slice out of range', '{{slice .SI 2 1}}', 'ERROR: error calling slice: invalid slice index: 2 > 1', tVal],
  ['len slice', '{{len .SI}}', '3', tVal],
  ['len map', '{{len .MSI }}', '3', tVal],
  ['len string counts bytes', '{{len "héllo"}}', '6'],
  ['len of int', '{{len 3}}', 'ERROR: error calling len: len of type int'],
  ['len of nothing', '{{len .Empty0}}', 'ERROR: error calling len: len of nil pointer', tVal],
  ['with true', '{{with true}}{{.}}{{end}}', 'true'],
  ['with false', '{{with false}}{{.}}{{else}}FALSE{{end}}', 'FALSE'],
  ['with 1', '{{with 1}}{{.}}{{else}}ZERO{{end}}', '1'],
  ['with 0', '{{with 0}}{{.}}{{else}}ZERO{{end}}', 'ZERO'],
  ['with 1.5', '{{with 1.5}}{{.}}{{else}}ZERO{{end}}', '1.5'],
  ['with emptystring', '{{with ``}}{{.}}{{else}}EMPTY{{end}}', 'EMPTY'],
  ['with string', '{{with `notempty`}}{{.}}{{else}}EMPTY{{end}}', 'notempty'],
  ['with slice', '{{with .SI}}{{.}}{{else}}EMPTY{{end}}', '[3 4 5]', tVal],
  ['with map', '{{with .MSIone}}{{.}}{{else}}EMPTY{{end}}', 'map[one:1]', tVal],
  ['with empty interface, struct field', '{{with .Empty4}}{{.V}}{{end}}', 'UinEmpty', tVal],
  ['with $x int', '{{with $x := .I}}{{$x}}{{end}}', '17', tVal],
  ['with $x struct.U.V', '{{with $x := $}}{{$x.U.V}}{{end}}', 'v', tVal],
  ['with variable and action', '{{with $x := $}}{{$y := $.U.V}}{{$y}}{{end}}', 'v', tVal],
  ['with else with', '{{with 0}}{{.}}{{else with true}}{{.}}{{end}}', 'true'],
  ['with else with chain', '{{with 0}}{{.}}{{else with false}}{{.}}{{else with `notempty`}}{{.}}{{end}}', 'notempty'],
  ['with else with else', '{{with 0}}a{{else with 0}}b{{else}}c{{end}}', 'c'],
  ['range []int', '{{range .SI}}-{{.}}-{{end}}', '-3--4--5-', tVal],
  ['range empty no else', '{{range .SIEmpty}}-{{.}}-{{end}}', '', tVal],
  ['range []int else', '{{range .SI}}-{{.}}-{{else}}EMPTY{{end}}', '-3--4--5-', tVal],
  ['range empty else', '{{range .SIEmpty}}-{{.}}-{{else}}EMPTY{{end}}', 'EMPTY', tVal],
  ['range []bool', '{{range .SB}}-{{.}}-{{end}}', '-true--false-', tVal],
  ['range map', '{{range .MSI}}-{{.}}-{{end}}', '-1--3--2-', tVal],
  ['range empty map no else', '{{range .MSIEmpty}}-{{.}}-{{end}}', '', tVal],
  ['range map else', '{{range .MSI}}-{{.}}-{{else}}EMPTY{{end}}', '-1--3--2-', tVal],
  ['range empty map else', '{{range .MSIEmpty}}-{{.}}-{{else}}EMPTY{{end}}', 'EMPTY', tVal],
  ['range empty interface', '{{range .Empty3}}-{{.}}-{{else}}EMPTY{{end}}', '-7--8-', tVal],
  ['range empty nil', '{{range .Empty0}}-{{.}}-{{end}}', '', tVal],
  ['range $x SI', '{{range $x := .SI}}<{{$x}}>{{end}}', '<3><4><5>', tVal],
  ['range $x $y SI', '{{range $x, $y := .SI}}<{{$x}}={{$y}}>{{end}}', '<0=3><1=4><2=5>', tVal],
  ['range $x MSIone', '{{range $x := .MSIone}}<{{$x}}>{{end}}', '<1>', tVal],
  ['range $x $y MSIone', '{{range $x, $y := .MSIone}}<{{$x}}={{$y}}>{{end}}', '<one=1>', tVal],
  ['range $x PSI', '{{range $x := .PSI}}<{{$x}}>{{end}}', '<21><22><23>', tVal],
  ['declare in range', '{{range $x := .PSI}}<{{$foo:=$x}}{{$x}}>{{end}}', '<21><22><23>', tVal],
  ['range count', '{{range $i, $x := count 5}}[{{$i}}]{{$x}}{{end}}', '[0]a[1]b[2]c[3]d[4]e'],
  ['range nil count', '{{range $i, $x := count 0}}{{else}}empty{{end}}', 'empty'],
  ['range int', '{{range 5}}{{.}}{{end}}', '01234'],
  ['range int with variable', '{{range $i := 3}}{{$i}}{{end}}', '012'],
  ['range int two variables', '{{range $i, $v := 3}}{{end}}', "ERROR: can't use 3 to iterate over more than one variable"],
  ['range float', '{{range 1.5}}{{end}}', "ERROR: range can't iterate over 1.5"],
  ['range break', '{{range .SI}}{{if eq . 4}}{{break}}{{end}}-{{.}}-{{end}}', '-3-', tVal],
  ['range continue', '{{range .SI}}{{if eq . 4}}{{continue}}{{end}}-{{.}}-{{end}}', '-3--5-', tVal],
  ['break in nested if-else', '{{range .SI}}{{if eq . 3}}{{else}}{{break}}{{end}}{{.}}{{end}}', '3', tVal],
  ['range variable scope ends at end', '{{range $x := .SI}}{{end}}{{$x := 1}}{{$x}}', '1', tVal],
  ['pipe into nothing', '{{ "a" "b" | }}', 'ERROR: can\'t give argument to non-function "a"'],
  ['or as if true', '{{or .SI "slice is empty"}}', '[3 4 5]', tVal],
  ['or as if false', '{{or .SIEmpty "slice is empty"}}', 'slice is empty', tVal],
  ['bug7a', '{{3 2}}', "ERROR: can't give argument to non-function 3"],
  ['bug7b', '{{$x := 1}}{{$x 2}}', "ERROR: can't give argument to non-function $x"],
  ['bug7c', '{{$x := 1}}{{3 | $x}}', "ERROR: can't give argument to non-function $x"],
  ['bug9 lower-case map keys', '{{.cause}}', 'neglect', { cause: 'neglect' }],
  ['bug10 field chain on a function', '{{mapOfThree.three}}-{{(mapOfThree).three}}', '3-3'],
  ['bug12 hex constants are ints', '{{printf `%T` 0xef}} {{printf `%T` 0XEE}}', 'int int'],
  ['bug14a', '{{(nil).True}}', 'ERROR: nil is not a command'],
  ['bug14b', '{{$x := nil}}{{$x.anything}}', 'ERROR: nil is not a command'],
  ['bug14c', '{{$x := (1.0)}}{{$y := ("hello")}}{{$x.anything}}{{$y.true}}', "ERROR: can't evaluate field anything in type float64"],
  ['bug16a', '{{true|printf}}', 'ERROR: wrong type for value; expected string; got bool'],
  ['bug16b', '{{1|printf}}', 'ERROR: wrong type for value; expected string; got int'],
  ['bug16k', '{{"aaa"|printf }}', 'aaa'],
  ['bug16h', '{{1|oneArg}}', '1'.replace('1', 'oneArg=1')],
  ['bug16i', '{{"aaa"|oneArg}}', 'oneArg=aaa'],
  ['wrong number of args', '{{oneArg}}', 'ERROR: wrong number of args for oneArg: want 1 got 0'],
  ['too many args', '{{oneArg "a" "b"}}', 'ERROR: wrong number of args for oneArg: want 1 got 2'],
  ['too many args in pipeline', '{{"x" | oneArg "a"}}', 'ERROR: wrong number of args for oneArg: want 1 got 2'],
  ['eq variadic', '{{eq 1 2 3 1}} {{eq "a" "b"}}', 'true false'],
  ['eq int float', '{{eq 1 1.0}}', 'ERROR: error calling eq: incompatible types for comparison'],
  ['eq nil', '{{eq .Empty0 nil}} {{eq "x" nil}}', 'true false', tVal],
  ['ne', '{{ne 1 2}} {{ne "a" "a"}}', 'true false'],
  ['lt', '{{lt 1 2}} {{lt 2 1}} {{lt 1.5 2.5}} {{lt "a" "b"}}', 'true false true true'],
  ['le', '{{le 1 1}} {{le 2 1}}', 'true false'],
  ['gt ge', '{{gt 2 1}} {{ge 1 1}} {{ge 0 1}}', 'true true false'],
  ['lt bool', '{{lt true false}}', 'ERROR: error calling lt: invalid type for comparison'],
  ['lt nil', '{{lt nil 1}}', 'ERROR: error calling lt: invalid type for comparison'],
  ['lt int float', '{{lt 1 2.0}}', 'ERROR: error calling lt: incompatible types for comparison'],
  ['eq slice', '{{eq .SI .SI}}', 'ERROR: error calling eq: non-comparable type [3 4 5]: []interface {}', tVal],
  ['missing argument for comparison', '{{eq 1}}', 'ERROR: error calling eq: missing argument for comparison'],
  ['variable undefined at runtime', '{{template "x"}}{{define "x"}}{{$}}{{end}}', '<no value>'],
  ['template with data', '{{define "x"}}[{{.}}]{{end}}{{template "x" 3}}', '[3]'],
  ['template does not see caller variables', '{{define "x"}}{{$}}{{end}}{{$y := 1}}{{template "x" "dot"}}', 'dot'],
  ['template not defined', '{{template "nope"}}', 'ERROR: template "nope" not defined'],
  ['block', '{{block "b" .}}default {{.}}{{end}}', 'default 7', 7n],
  ['recursive template', '{{define "r"}}{{if .}}{{index . 0}}{{template "r" (slice . 1)}}{{end}}{{end}}{{template "r" .SI}}', '345', tVal],
  ['field holding a function with arguments is called', '{{.Files.Get "a"}}', 'content of a', { Files: { Get: (n: unknown) => `content of ${n}` } }],
  ['method of a class instance', '{{.Caps.APIVersions.Has "v1"}} {{.Caps.Version}}', 'true 1.30', {
    Caps: new (class {
      APIVersions = new (class {
        Has(v: unknown): boolean {
          return v === 'v1';
        }
      })();
      Version(): string {
        return '1.30';
      }
    })(),
  }],
  ['map key with arguments', '{{.MSI.one 1}}', 'ERROR: one is not a method but has arguments', tVal],
  ['field of a string', '{{.X.Y}}', "ERROR: can't evaluate field Y in type interface {}", tVal],
  ['nil pointer', '{{.Empty0.X}}', 'ERROR: nil pointer evaluating interface {}.X', tVal],
  ['missing key chained', '{{.nope.deeper}}', '<no value>', {}],
  ['explicit nil value prints no value', '{{.a}}', '<no value>', { a: null }],
  ['nil inside a slice', '{{.}}', '[1 <nil>]', [1n, null]],
  ['nested map printing', '{{.}}', 'map[a:[1 2] b:map[c:x]]', { b: { c: 'x' }, a: [1n, 2n] }],
  ['Map values', '{{.m.b}} {{.m}}', '2 map[a:1 b:2]', { m: new Map<string, unknown>([['b', 2n], ['a', 1n]]) }],
  ['float printing', '{{.a}} {{.b}} {{.c}} {{.d}} {{.e}} {{.f}}', '1e+06 3 0.1 123456 1.5e-07 -2.5', { a: 1e6, b: 3, c: 0.1, d: 123456, e: 1.5e-7, f: -2.5 }],
  ['number literals', '{{1_000}} {{0b101}} {{0o17}} {{017}} {{0x_1F}} {{1e3}} {{.5}} {{-7}} {{+3}}', '1000 5 15 15 31 1000 0.5 -7 3'],
  ['char constants', "{{'a'}} {{'\\n'}} {{printf \"%c\" 'x'}} {{'\\u00e9'}}", '97 10 x 233'],
  ['raw and escaped strings', '{{`a\\nb`}} {{"a\\tb"}} {{"\\u00e9\\x41"}}', 'a\\nb a\tb éA'],
  ['comment', 'a{{/* comment */}}b', 'ab'],
  ['trim markers', 'a  {{- 1 -}}  b {{- /* c */ -}} c', 'a1bc'],
  ['trim newlines', '{{- range .SI }}\n  {{ . }}\n{{- end }}', '\n  3\n  4\n  5', tVal],
  ['trim marker needs a space', '{{-3}}', '-3'],
  ['print a function fails', '{{.BinaryFunc}}', "ERROR: can't print {{.BinaryFunc}} of type func(...interface {}) interface {}", tVal],
  ['missingkey=default on nested missing', '{{.a.b.c}}', '<no value>', {}],
  ['unicode identifiers', '{{.héllo}}', 'x', { héllo: 'x' }],
];

describe('Template execution (Go exec_test cases)', () => {
  // A rest parameter: Jest would take a fourth declared parameter for a `done` callback on rows without data.
  it.each(execCases)('%s', (...[, text, expected, data]: Case) => {
    if (expected.startsWith('ERROR: ')) {
      expect(() => run(text, data)).toThrow(TemplateError);
      expect(() => run(text, data)).toThrow(expected.slice('ERROR: '.length));
    } else {
      expect(run(text, data)).toBe(expected);
    }
  });
});

describe('error messages', () => {
  it.each([
    ['{{.A.B}}', { A: null }, 'template: t:1:4: executing "t" at <.A.B>: nil pointer evaluating interface {}.B'],
    ['line1\n  {{ eq .a 1 }}', { a: 1 }, 'template: t:2:5: executing "t" at <eq .a 1>: error calling eq: incompatible types for comparison'],
    ['{{define "inner"}}\n{{ .x.y }}{{end}}{{template "inner" .}}', { x: 'str' }, 'template: t:2:5: executing "inner" at <.x.y>: can\'t evaluate field y in type interface {}'],
    ['{{ $x := 1 }}{{ $x.y }}', {}, 'template: t:1:18: executing "t" at <$x.y>: can\'t evaluate field y in type int'],
    ['{{ oneArg }}', {}, 'template: t:1:3: executing "t" at <oneArg>: wrong number of args for oneArg: want 1 got 0'],
  ])('%j', (text, data, message) => {
    expect(() => run(text, data)).toThrow(message);
  });

  it('reports the parse name of the file a define came from', () => {
    const t = new Template('main.yaml').funcs(funcs);
    t.parse('{{define "helper"}}{{ .a.b }}{{end}}', '_helpers.tpl');
    t.parse('{{ template "helper" . }}', 'main.yaml');
    expect(() => t.execute({ a: null })).toThrow(
      'template: _helpers.tpl:1:24: executing "helper" at <.a.b>: nil pointer evaluating interface {}.b',
    );
  });
});

describe('missingkey option', () => {
  it('default prints <no value> and lets chains continue', () => {
    expect(run('{{.a}} {{.a.b}}', {})).toBe('<no value> <no value>');
  });
  it('zero yields nil, so chaining through it is a nil pointer error (as Helm sees it)', () => {
    expect(run('{{.a}}', {}, { missingKey: 'zero' })).toBe('<no value>');
    expect(() => run('{{.a.b}}', {}, { missingKey: 'zero' })).toThrow('nil pointer evaluating interface {}.b');
  });
  it('error fails on a missing key', () => {
    expect(() => run('{{.a}}', {}, { missingKey: 'error' })).toThrow(
      'template: t:1:2: executing "t" at <.a>: map has no entry for key "a"',
    );
    expect(() => run('{{$x := .nope}}{{$x.b}}', {}, { missingKey: 'error' })).toThrow('map has no entry for key "nope"');
  });
});

type ParseCase = [text: string, error: string];

const parseErrors: ParseCase[] = [
  ['{{end}}', 'template: t:1: unexpected {{end}}'],
  ['{{else}}', 'template: t:1: unexpected {{else}}'],
  ['{{if .X}}', 'template: t:1: unexpected EOF'],
  ['{{range .X}}', 'template: t:1: unexpected EOF'],
  ['{{if}}', 'template: t:1: missing value for if'],
  ['{{range}}', 'template: t:1: missing value for range'],
  ['{{with}}', 'template: t:1: missing value for with'],
  ['{{ }}', 'template: t:1: missing value for command'],
  ['{{.X', 'template: t:1: unclosed action'],
  ['{{.X}', "template: t:1: bad character U+007D '}'"],
  ['{{nosuch}}', 'template: t:1: function "nosuch" not defined'],
  ['{{$x}}', 'template: t:1: undefined variable "$x"'],
  ['{{with $x := 4}}{{end}}{{$x}}', 'template: t:1: undefined variable "$x"'],
  ['{{template .X}}', 'template: t:1: unexpected ".X" in template clause'],
  ['{{template}}', 'template: t:1: unexpected "}}" in template clause'],
  ['{{template "x" | printf}}', 'template: t:1: unexpected "|" in template clause'],
  ['{{define "x"}}', 'template: t:1: unexpected EOF'],
  ['{{define "a"}}a{{end}}{{define "a"}}b{{end}}', 'template: t:1: template: multiple definition of template "a"'],
  ['{{break}}', 'template: t:1: {{break}} outside {{range}}'],
  ['{{continue}}', 'template: t:1: {{continue}} outside {{range}}'],
  ['{{range .X}}{{define "x"}}{{break}}{{end}}{{end}}', 'unexpected <define> in command'],
  ['{{range .X}}{{else}}{{break}}{{end}}', 'template: t:1: {{break}} outside {{range}}'],
  ['{{(1)}}{{(.X}}', 'template: t:1: unclosed left paren'],
  ['{{.X)}}', 'template: t:1: unexpected right paren'],
  ['{{/* unclosed', 'template: t:1: unclosed comment'],
  ['{{/* c */ 1}}', 'template: t:1: comment ends before closing delimiter'],
  ['{{"unterminated}}', 'template: t:1: unterminated quoted string'],
  ['{{`raw}}', 'template: t:1: unterminated raw quoted string'],
  ["{{'ab'}}", "template: t:1: malformed character constant: 'ab'"],
  ['{{3k}}', 'template: t:1: bad number syntax: "3k"'],
  ['{{1 | 2}}', 'template: t:1: non executable command in pipeline stage 2'],
  ['{{true.X}}', 'template: t:1: unexpected . after term "true"'],
  ['{{$x := 1 | $y := 2}}', 'template: t:1: undefined variable "$y"'],
  ['{{range $a, $b, $c := .}}{{end}}', 'template: t:1: too many declarations in range'],
  ['{{range $a, 1 := .}}{{end}}', 'template: t:1: range can only initialize variables'],
  ['{{with $a, $b := .}}{{end}}', 'template: t:1: too many declarations in with'],
  ['\n\n{{.X %}}', 'template: t:3: unexpected "%" in operand'],
  ['{{.X\n  .Y', 'template: t:2: unclosed action started at t:1'],
  ['line1\n{{', 'template: t:2: unclosed action'],
  ['line1\n{{define `x`}}line2\n{{', 'template: t:3: unclosed action'],
  ['line1\n{{"x"\n"y"\n', 'template: t:4: unclosed action started at t:2'],
  ['{{\n\n\n\n\n', 'template: t:6: unclosed action started at t:1'],
  ['line1\n{{\nx\n}}', 'template: t:3: function "x" not defined'],
  ['{{/*\nhello\n}}', 'template: t:1: unclosed comment'],
  ['{{.X (1 2 3}}', 'template: t:1: unclosed left paren'],
  ['{{.X 1 2 3 ) }}', 'template: t:1: unexpected right paren'],
  ['{{(.X 1 2 3', 'template: t:1: unclosed action'],
  ['{{`x`3}}', 'template: t:1: unexpected "3" in operand'],
  ["{{'a}}", 'template: t:1: unterminated character constant'],
  ['{{0xi}}', 'template: t:1: illegal number syntax: "0xi"'],
  ['{{a#}}', "template: t:1: bad character U+0023 '#'"],
  ['{{#}}', 'template: t:1: unexpected "#" in command'],
  ['{{.X | \u00a7}}', 'template: t:1: unrecognized character in action: U+00A7 \'§\''],
  ['{{if .X}}{{else}}{{else}}{{end}}', 'template: t:1: expected end; found {{else}}'],
  ['{{ 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 )}}', 'unexpected right paren'],
];

describe('parse errors (Go parse_test cases)', () => {
  it.each(parseErrors)('%j', (text, error) => {
    expect(() => new Template('t').funcs(funcs).parse(text)).toThrow(error);
  });
});

describe('Template namespace', () => {
  it('lists defined templates and tells which exist', () => {
    const t = new Template('main').parse('{{define "a"}}A{{end}}{{define "b"}}B{{end}}main');
    expect(t.names()).toEqual(['a', 'b', 'main']);
    expect(t.has('a')).toBe(true);
    expect(t.has('zzz')).toBe(false);
    expect(t.executeTemplate('b', null)).toBe('B');
  });

  it('redefinition in a later parse replaces, an empty body does not', () => {
    const t = new Template('main').parse('{{define "a"}}first{{end}}{{template "a"}}');
    t.parse('{{define "a"}}second{{end}}', 'other');
    expect(t.execute(null)).toBe('second');
    t.parse('{{define "a"}}  {{end}}', 'other2');
    expect(t.execute(null)).toBe('second');
  });

  it('a later define overrides a block (Go\'s TestBlock)', () => {
    const t = new Template('outer').parse('a({{block "inner" .}}bar({{.}})baz{{end}})b');
    expect(t.execute('hello')).toBe('a(bar(hello)baz)b');
    t.parse('{{define "inner"}}foo({{.}})bar{{end}}', 'overlay');
    expect(t.execute('goodbye')).toBe('a(foo(goodbye)bar)b');
  });

  it('executeTemplate of an unknown name fails as Go does', () => {
    const t = new Template('main').parse('x');
    expect(() => t.executeTemplate('nope', null)).toThrow('template: no template "nope" associated with template "main"');
  });

  it('execute before any parse fails as Go does', () => {
    expect(() => new Template('main').execute(null)).toThrow('template: main: "main" is an incomplete or empty template');
  });

  it('is re-entrant: a function may execute another template during execution (Helm include)', () => {
    const t: Template = new Template('main');
    t.funcs({ include: (name: unknown, data: unknown) => t.executeTemplate(String(name), data) });
    t.parse('{{define "label"}}app: {{.}}{{end}}labels:\n  {{ include "label" .name }}!');
    expect(t.execute({ name: 'web' })).toBe('labels:\n  app: web!');
  });

  it('wraps an error of a nested execution with the caller\'s location, as Go wraps any function error', () => {
    const t: Template = new Template('main.yaml');
    t.funcs({ include: (name: unknown, data: unknown) => t.executeTemplate(String(name), data) });
    t.parse('{{define "inner"}}{{ .a.b }}{{end}}', '_helpers.tpl');
    t.parse('x: {{ include "inner" . }}', 'main.yaml');
    expect(() => t.execute({ a: null })).toThrow(
      'template: main.yaml:1:6: executing "main.yaml" at <include "inner" .>: error calling include: ' +
        'template: _helpers.tpl:1:23: executing "inner" at <.a.b>: nil pointer evaluating interface {}.b',
    );
  });

  it('reports endless recursion through a function as one template error', () => {
    const t: Template = new Template('main');
    t.funcs({ include: (name: unknown, data: unknown) => t.executeTemplate(String(name), data) });
    t.parse('{{define "loop"}}{{ include "loop" . }}{{end}}{{ include "loop" . }}');
    expect(() => t.execute(null)).toThrow('template: main: exceeded the call stack: a template includes itself without end');
  });

  it('clone is independent of the original (Helm tpl parses into a clone)', () => {
    const t = new Template('main').parse('{{define "a"}}A{{end}}{{template "a"}}');
    const c = t.clone();
    c.parse('{{define "a"}}CLONED{{end}}', 'tpl');
    c.funcs({ extra: () => 'e' });
    expect(t.execute(null)).toBe('A');
    expect(c.execute(null)).toBe('CLONED');
    expect(() => t.parse('{{extra}}', 'x')).toThrow('function "extra" not defined');
  });

  it('functions override builtins and must exist before parse', () => {
    const t = new Template('t').funcs({ len: (_s: unknown) => 'mine' }).parse('{{len "abc"}}');
    expect(t.execute(null)).toBe('mine');
    expect(() => new Template('t').parse('{{later}}')).toThrow('function "later" not defined');
  });

  it('only the builtin and/or short-circuit; an override evaluates every argument', () => {
    const t = new Template('t').funcs({ and: variadic(0, (...a: unknown[]) => a.length) }).parse('{{and 0 (call nil)}}');
    expect(() => t.execute(null)).toThrow('error calling call: call of nil');
  });

  it('rejects function names that are not identifiers', () => {
    expect(() => new Template('t').funcs({ 'a-b': () => 1 })).toThrow('function name "a-b" is not a valid identifier');
  });

  it('supports custom delimiters', () => {
    const t = new Template('t', { delims: { left: '[[', right: ']]' } }).parse('{{.}} [[- . ]] [[/* c */]]');
    expect(t.execute('x')).toBe('{{.}}x ');
  });

  it('stops runaway recursion with a depth limit', () => {
    const t = new Template('t').parse('{{define "r"}}{{template "r"}}{{end}}{{template "r"}}');
    expect(() => t.execute(null)).toThrow('executing "r" at <{{template "r"}}>: exceeded maximum template depth (1000)');
  });

  it('a function error keeps its message', () => {
    const t = new Template('t').funcs({ boom: () => { throw new Error('kaput'); } }).parse('{{boom}}');
    expect(() => t.execute(null)).toThrow('template: t:1:2: executing "t" at <boom>: error calling boom: kaput');
  });
});

import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { bcryptHash } from './bcrypt';
import { GoTime, sprigFunctions, Template } from '../index';

/** Input/expected pairs from Sprig's documentation and its *_test.go tables. */
function run(text: string, data: unknown = {}): string {
  return new Template('t').funcs(sprigFunctions).parse(text).execute(data);
}

type Case = [text: string, expected: string, data?: unknown];

function table(name: string, cases: Case[]): void {
  describe(name, () => {
    // A rest parameter: Jest would take a third declared parameter for a `done` callback on rows without data.
    it.each(cases)('%s', (...[text, expected, data]: Case) => {
      if (expected.startsWith('ERROR: ')) {
        expect(() => run(text, data)).toThrow(expected.slice('ERROR: '.length));
      } else {
        expect(run(text, data)).toBe(expected);
      }
    });
  });
}

table('strings', [
  ['{{"fooo" | substr 0 3 }}', 'foo'],
  ['{{"foo" | substr 0 10 }}', 'foo'],
  ['{{"foo" | substr -1 2 }}', 'fo'],
  ['{{ "foooooo" | trunc 3 }}', 'foo'],
  ['{{ "baaaaaar" | trunc -3 }}', 'aar'],
  ['{{ "baaaaaar" | trunc -999 }}', 'baaaaaar'],
  ['{{ "baaaaaz" | trunc 0 }}', ''],
  ['{{quote "a" "b" "c"}}', '"a" "b" "c"'],
  ['{{quote "\\"a\\"" "b" "c"}}', '"\\"a\\"" "b" "c"'],
  ['{{quote 1 2 3 }}', '"1" "2" "3"'],
  ['{{ .value | quote }}', '', { value: null }],
  ['{{ .missing | quote }}', ''],
  ['{{ quote "tab\\there" }}', '"tab\\there"'],
  ['{{squote "a" "b" "c"}}', "'a' 'b' 'c'"],
  ['{{squote 1 2 3 }}', "'1' '2' '3'"],
  ['{{ .value | squote }}', '', { value: null }],
  ['{{if contains "cat" "fair catch"}}1{{end}}', '1'],
  ['{{if hasPrefix "cat" "catch"}}1{{end}}', '1'],
  ['{{if hasSuffix "cat" "ducat"}}1{{end}}', '1'],
  ['{{trim "   5.00   "}}', '5.00'],
  ['{{trimAll "$" "$5.00$"}}', '5.00'],
  ['{{trimPrefix "$" "$5.00"}}', '5.00'],
  ['{{trimSuffix "$" "5.00$"}}', '5.00'],
  ['{{$v := "foo$bar$baz" | split "$"}}{{$v._0}}', 'foo'],
  ['{{$v := "foo$bar$baz" | splitn "$" 2}}{{$v._1}}', 'bar$baz'],
  ['{{ splitList "," "a,b,,c" }}', '[a b  c]'],
  ['{{ toString .Value | kindOf }}', 'string', { Value: new Uint8Array([98, 121]) }],
  ['{{ toString 1.5 }} {{ toString nil }} {{ toString (list 1) }}', '1.5 <nil> [1]'],
  ['{{ $s := list 1 2 3 | toStrings }}{{ index $s 1 | kindOf }}', 'string'],
  ['{{ list 1 .value 2 | toStrings }}', '[1 2]', { value: null }],
  ['{{ tuple "a" "b" "c" | join "-" }}', 'a-b-c'],
  ['{{ tuple 1 2 3 | join "-" }}', '1-2-3'],
  ['{{ join "-" .V }}', 'abc', { V: 'abc' }],
  ['{{ join "-" .value }}', '1-2', { value: ['1', null, '2'] }],
  ['{{ list "c" "a" "b" | sortAlpha | join "" }}', 'abc'],
  ['{{ list 2 1 4 3 | sortAlpha | join "" }}', '1234'],
  ['{{b64enc "coffee"}}', 'Y29mZmVl'],
  ['{{b64dec "Y29mZmVl"}}', 'coffee'],
  ['{{b64dec "not base64!"}}', 'illegal base64 data at input byte 3'],
  ['{{b32enc "coffee"}}', 'MNXWMZTFMU======'],
  ['{{b32dec "MNXWMZTFMU======"}}', 'coffee'],
  ['{{abbrev 5 "hello world"}}', 'he...'],
  ['{{abbrevboth 5 10 "1234 5678 9123"}}', '...5678...'],
  ['{{nospace "h e l l o "}}', 'hello'],
  ['{{untitle "First Try"}}', 'first try'],
  ['{{title "hello world-wide web"}}', 'Hello World-Wide Web'],
  ['{{initials "First Try"}}', 'FT'],
  ['{{wrap 5 "Hello World"}}', 'Hello\nWorld'],
  ['{{wrapWith 5 "\\t" "Hello World"}}', 'Hello\tWorld'],
  ['{{$b := "b"}}{{"c" | cat "a" $b}}', 'a b c'],
  ['{{ .value | cat "a" "b"}}', 'a b', { value: null }],
  ['{{indent 4 "a\\nb\\nc"}}', '    a\n    b\n    c'],
  ['{{nindent 4 "a\\nb\\nc"}}', '\n    a\n    b\n    c'],
  ['{{"I Am Henry VIII" | replace " " "-"}}', 'I-Am-Henry-VIII'],
  ['{{"añb" | replace "" "-"}}', '-a-ñ-b-'],
  ['{{$num := len "two"}}{{$num}} {{$num | plural "1 char" "chars"}}', '3 chars'],
  ['{{len "t" | plural "cheese" "%d chars"}}', 'cheese'],
  ['{{ upper "hello" }} {{ lower "HELLO" }} {{ repeat 3 "ab" }}', 'HELLO hello ababab'],
  ['{{ swapcase "swapCase" }}', 'SWAPcASE'],
  ['{{ snakecase "HTTPServer" }} {{ snakecase "NoHTTPS" }} {{ snakecase "FirstName" }}', 'http_server no_https first_name'],
  ['{{ snakecase "_camelCase" }} {{ snakecase "HELLO____WORLD" }} {{ snakecase "  sentence case  " }}', '_camel_case hello____world __sentence_case__'],
  ['{{ snakecase "http2xx" }} {{ snakecase "HTTP20xOK" }} {{ snakecase "Bld4Floor3rd" }}', 'http_2xx http_20x_ok bld4_floor_3rd'],
  ['{{ kebabcase "HTTPServer" }} {{ kebabcase "GO PATH" }}', 'http-server go-path'],
  ['{{ camelcase "http_server" }} {{ camelcase "_camel_case" }} {{ camelcase "_complex__case_" }}', 'HttpServer _CamelCase _Complex_Case_'],
  ['{{ camelcase "GOLANG_IS_GREAT" }} {{ camelcase "a" }}', 'GolangIsGreat A'],
  ['{{ randAlphaNum 5 | len }} {{ randAlpha 7 | len }} {{ randNumeric 3 | regexMatch "^[0-9]{3}$" }}', '5 7 true'],
  ['{{ shuffle "abc" | len }}', '3'],
  ['{{ upper 3 }}', 'ERROR: wrong type for value; expected string; got int'],
  ['{{ .n | upper }}', 'ERROR: wrong type for value; expected string; got float64', { n: 1 }],
  ['{{ trunc .n "abc" }}', 'ERROR: wrong type for value; expected int; got float64', { n: 1 }],
  ['{{ upper .missing }}', 'ERROR: invalid value; expected string'],
]);

table('numbers', [
  ['{{range $i, $e := until 5}}{{$i}}{{$e}}{{end}}', '0011223344'],
  ['{{range $i, $e := until -5}}{{$i}}{{$e}} {{end}}', '00 1-1 2-2 3-3 4-4 '],
  ['{{range $i, $e := untilStep 0 5 1}}{{$i}}{{$e}}{{end}}', '0011223344'],
  ['{{range $i, $e := untilStep 3 6 1}}{{$i}}{{$e}}{{end}}', '031425'],
  ['{{range $i, $e := untilStep 0 -10 -2}}{{$i}}{{$e}} {{end}}', '00 1-2 2-4 3-6 4-8 '],
  ['{{range $i, $e := untilStep 3 0 1}}{{$i}}{{$e}}{{end}}', ''],
  ['{{range $i, $e := untilStep 3 99 0}}{{$i}}{{$e}}{{end}}', ''],
  ['{{range $i, $e := untilStep 3 99 -1}}{{$i}}{{$e}}{{end}}', ''],
  ['{{ biggest 1 2 3 345 5 6 7}}', '345'],
  ['{{ max 345}}', '345'],
  ['{{ maxf 1 2 3 345.7 5 6 7}}', '345.7'],
  ['{{ min 1 2 3 345 5 6 7}}', '1'],
  ['{{ minf 1.4 2 3 345.6 5 6 7}}', '1.4'],
  ['{{ minf 345 }}', '345'],
  ['{{ 3 | add1 }}', '4'],
  ['{{ 3.4 | add1f }}', '4.4'],
  ['{{ 3 | add 1 2}}', '6'],
  ['{{ 3 | addf 1.5 2.2}}', '6.7'],
  ['{{ addf 1.1 2.2 }}', '3.3'],
  ['{{ 4 | div 5 }}', '1'],
  ['{{ div 7 0 }}', 'ERROR: error calling div: runtime error: integer divide by zero'],
  ['{{ 2 | divf 5 4 }}', '0.625'],
  ['{{ divf 1 3 }}', '0.3333333333333333'],
  ['{{ 1 | mul "2" 3 "4"}}', '24'],
  ['{{ 1.2 | mulf "2.4" 10 "4"}}', '115.2'],
  ['{{ 3 | sub 14 }}', '11'],
  ['{{ 3 | subf 4.5 1 }}', '0.5'],
  ['{{ mod 10 3 }} {{ mod -7 3 }}', '1 -1'],
  ['{{ add .a .b }} {{ .a | int }} {{ .a | int64 }} {{ .a | float64 }}', '7 3 3 3.9', { a: 3.9, b: 4 }],
  ['{{ int "102" }} {{ int "frankie" }} {{ int true }} {{ int "0x1F" }} {{ int "8.0" }}', '102 0 1 31 8'],
  ['{{ float64 "102.5" }} {{ float64 "frankie" }} {{ float64 true }} {{ float64 3 }}', '102.5 0 1 3'],
  ['{{ atoi "42" }} {{ atoi "nope" }} {{ atoi "010" }}', '42 0 10'],
  ['{{ toDecimal "777" }} {{ toDecimal 777 }} {{ toDecimal 770 }} {{ toDecimal 755 }}', '511 511 504 493'],
  ['{{ ceil 123.01 }} {{ ceil "123" }} {{ floor 123.9999 }} {{ floor "123.9999" }}', '124 123 123 123'],
  ['{{ round 123.5555 3 }} {{ round "123.55555" 3 }} {{ round 123.500001 0 }} {{ round 123.49999999 0 }}', '123.556 123.556 124 123'],
  ['{{ round 123.2329999 2 .3 }} {{ round 123.233 2 .3 }}', '123.23 123.24'],
  ['{{seq 0 1 3}}|{{seq 0 3 10}}|{{seq 3 3 2}}|{{seq 3 -3 2}}|{{seq}}|{{seq 0 4}}', '0 1 2 3|0 3 6 9||3||0 1 2 3 4'],
  ['{{seq 5}}|{{seq -5}}|{{seq 0}}|{{seq 0 1 2 3}}|{{seq 0 -4}}', '1 2 3 4 5|1 0 -1 -2 -3 -4 -5|1 0||0 -1 -2 -3 -4'],
  ['{{ $r := randInt 10 13 }}{{ and (ge $r 10) (lt $r 13) }}', 'true'],
  ['{{ add 1 2 | printf "%T" }} {{ addf 1 2 | printf "%T" }}', 'int float64'],
]);

table('defaults', [
  ['{{ default "foo" .Nothing }}', 'foo'],
  ['{{ default "foo" "" }} {{ default "foo" 0 }} {{ default "foo" false }} {{ default "foo" (list) }} {{ default "foo" (dict) }}', 'foo foo foo foo foo'],
  ['{{ default "foo" "bar" }} {{ default "foo" 1 }} {{ default "foo" true }}', 'bar 1 true'],
  ['{{ .x | default "d" }}', 'd', { x: null }],
  ['{{ default 1 .n }}', '0.5', { n: 0.5 }],
  ['{{ empty "" }} {{ empty 0 }} {{ empty 0.0 }} {{ empty nil }} {{ empty (list) }} {{ empty .m }} {{ empty "x" }} {{ empty 1 }}', 'true true true true true true false false', { m: {} }],
  ['{{ coalesce 0 "" nil "x" 1 }} {{ coalesce "" 0 }}', 'x <no value>'],
  ['{{ all 1 "a" true }} {{ all 1 "" }} {{ any 0 "" "a" }} {{ any 0 "" }}', 'true false true false'],
  ['{{ ternary "yes" "no" true }} {{ ternary "yes" "no" false }} {{ true | ternary "a" "b" }}', 'yes no a'],
  ['{{ ternary "yes" "no" 1 }}', 'ERROR: wrong type for value; expected bool; got int'],
  ['{{ list 1 0 "" "hello" | compact }}', '[1 hello]'],
  ['{{ list "" "" | compact }} {{ list | compact }}', '[] []'],
  ['{{ regexSplit "/" "foo//bar" -1 | compact }}', '[foo bar]'],
  ['{{ fail "no way" }}', 'ERROR: error calling fail: no way'],
]);

table('json', [
  ['{{ dict "b" 2 "a" "x<&>" | toJson }}', '{"a":"x\\u003c\\u0026\\u003e","b":2}'],
  ['{{ dict "a" "x<&>" | toRawJson }}', '{"a":"x<&>"}'],
  ['{{ list 1 2.5 "s" nil true (dict) (list) | toJson }}', '[1,2.5,"s",null,true,{},[]]'],
  ['{{ dict "a" (list 1 2) "b" (dict "c" 1) | toPrettyJson }}', '{\n  "a": [\n    1,\n    2\n  ],\n  "b": {\n    "c": 1\n  }\n}'],
  ['{{ .v | toJson }}', '{"big":1e+21,"f":1000000,"small":1e-7}', { v: { big: 1e21, f: 1e6, small: 1e-7 } }],
  ['{{ "line\\nbreak \\"q\\"" | toJson }}', '"line\\nbreak \\"q\\""'],
  ['{{ $m := fromJson "{\\"a\\":{\\"b\\":[1,2]}}" }}{{ $m.a.b }} {{ index $m.a.b 0 | printf "%T" }}', '[1 2] float64'],
  ['{{ fromJson "not json" }}', '<no value>'],
  ['{{ mustFromJson "not json" }}', 'ERROR: error calling mustFromJson:'],
  ['{{ $d := dict "a" 1 }}{{ $c := deepCopy $d }}{{ $_ := set $c "a" 2 }}{{ $d.a }} {{ $c.a }}', '1 2'],
]);

table('lists', [
  ['{{$t := tuple 1 "a" "foo"}}{{index $t 2}}{{index $t 0 }}{{index $t 1}}', 'foo1a'],
  ['{{$t := list 1 "a" "foo"}}{{index $t 2}}{{index $t 0 }}{{index $t 1}}', 'foo1a'],
  ['{{ $t := tuple 1 2 3  }}{{ append $t 4 | len }}', '4'],
  ['{{ $t := tuple 1 2 3 4  }}{{ append $t 5 | join "-" }}', '1-2-3-4-5'],
  ['{{ $t := regexSplit "/" "foo/bar/baz" -1 }}{{ append $t "qux" | join "-" }}', 'foo-bar-baz-qux'],
  ['{{ $t := tuple 1 2 3  }}{{ mustAppend $t 4 | len }}', '4'],
  ['{{ $t := regexSplit "/" "foo/bar/baz" -1 }}{{ mustPush $t "qux" | join "-" }}', 'foo-bar-baz-qux'],
  ['{{ $t := tuple 1 2 3 4  }}{{ prepend $t 0 | join "-" }}', '0-1-2-3-4'],
  ['{{ $t := regexSplit "/" "foo/bar/baz" -1 }}{{ prepend $t "qux" | join "-" }}', 'qux-foo-bar-baz'],
  ['{{ append "str" 1 }}', 'ERROR: error calling append: Cannot push on type string'],
  ['{{ list 1 2 3 | first }}', '1'],
  ['{{ list | first }}', '<no value>'],
  ['{{ regexSplit "/src/" "foo/src/bar" -1 | first }}', 'foo'],
  ['{{ list 1 2 3 | last }}', '3'],
  ['{{ list | last }}', '<no value>'],
  ['{{ list 1 2 3 | initial | len }}', '2'],
  ['{{ list 1 2 3 | initial | last }}', '2'],
  ['{{ list | initial }}', '[]'],
  ['{{ regexSplit "/" "foo/bar/baz" -1 | initial }}', '[foo bar]'],
  ['{{ list 1 2 3 | rest | first }}', '2'],
  ['{{ list | rest }}', '[]'],
  ['{{ regexSplit "/" "foo/bar/baz" -1 | rest }}', '[bar baz]'],
  ['{{ list 1 2 3 | reverse | first }}', '3'],
  ['{{ list 1 2 3 4 | reverse }}', '[4 3 2 1]'],
  ['{{ list | reverse }}', '[]'],
  ['{{ list 1 2 3 4 | uniq }}', '[1 2 3 4]'],
  ['{{ list 1 1 1 1 2 2 2 2 | uniq }}', '[1 2]'],
  ['{{ list "foo" 1 1 1 1 "foo" "foo" | uniq }}', '[foo 1]'],
  ['{{ list | uniq }}', '[]'],
  ['{{ without (list 1 2 3 4) 1 }}', '[2 3 4]'],
  ['{{ without (list "a" "b" "c" "d") "a" }}', '[b c d]'],
  ['{{ without (list 1 1 1 1 2) 1 }}', '[2]'],
  ['{{ without (list 1 2 3) }}', '[1 2 3]'],
  ['{{ without list }}', '[]'],
  ['{{ list 1 2 3 | has 1 }} {{ list 1 2 3 | has 4 }} {{ has "bar" nil }}', 'true false false'],
  ['{{ has 1.0 (list 1) }}', 'false'],
  ['{{ slice (list 1 2 3) }}', '[1 2 3]'],
  ['{{ slice (list 1 2 3) 0 1 }}', '[1]'],
  ['{{ slice (list 1 2 3) 1 3 }}', '[2 3]'],
  ['{{ slice (list 1 2 3) 1 }}', '[2 3]'],
  ['{{ slice (regexSplit "/" "foo/bar/baz" -1) 1 2 }}', '[bar]'],
  ['{{ concat (list 1 2 3) (list 4 5) }}', '[1 2 3 4 5]'],
  ['{{ concat (list 1 2 3) (list 4 5) (list nil) }}', '[1 2 3 4 5 <nil>]'],
  ['{{ concat (list 1 2 3) (list 4 5) (list ( list "foo" ) ) }}', '[1 2 3 4 5 [foo]]'],
  ['{{ chunk 2 (list 1 2 3 4 5) }}', '[[1 2] [3 4] [5]]'],
]);

table('dicts', [
  ['{{$t := dict "I" "shot" "the" "albatross"}}{{$t.the}} {{$t.I}}', 'albatross shot'],
  ['{{ dict 1 2 "three" "four" 5 }}', 'map[1:2 5: three:four]'],
  ['{{- $d := dict "one" 1 "two" 222222 -}}{{- $_ := unset $d "two" -}}{{- range $k, $v := $d}}{{$k}}{{$v}}{{- end -}}', 'one1'],
  ['{{- $d := dict "one" 1 "two" 222222 -}}{{- if hasKey $d "one" -}}1{{- end -}}', '1'],
  ['{{ pluck "two" (dict "one" 1 "two" 222222) (dict "one" 1 "two" 33333) (dict "one" 1) (dict "two" 4444) }}', '[222222 33333 4444]'],
  ['{{ dict "foo" 1 "bar" 2 | keys | sortAlpha }}', '[bar foo]'],
  ['{{ dict | keys }}', '[]'],
  ['{{ keys (dict "foo" 1) (dict "bar" 2) (dict "bar" 3) | uniq | sortAlpha }}', '[bar foo]'],
  ['{{- $d := dict "one" 1 "two" 222222 }}{{ pick $d "two" -}}', 'map[two:222222]'],
  ['{{- $d := dict "one" 1 "two" 222222 }}{{ pick $d "one" "two" "three" | len -}}', '2'],
  ['{{- $d := dict "one" 1 "two" 222222 }}{{ omit $d "one" -}}', 'map[two:222222]'],
  ['{{- $d := dict "one" 1 "two" 222222 }}{{ omit $d "two" "three" | len -}}', '1'],
  ['{{- $d := dict "one" 1 }}{{ get $d "one" -}}', '1'],
  ['{{- $d := dict }}{{ get $d "two" -}}', ''],
  ['{{- $d := dict "one" 1 "two" 222222 -}}{{- $_ := set $d "two" 2 -}}{{- $_ := set $d "three" 3 -}}{{$d.one}}{{$d.two}}{{$d.three}}', '123'],
  ['{{- $d := dict "a" 1 "b" 2 }}{{ values $d | sortAlpha | join "," }}', '1,2'],
  ['{{ dig "a" "b" "c" "default" (dict "a" (dict "b" (dict "c" "found"))) }}', 'found'],
  ['{{ dig "a" "x" "default" (dict "a" (dict "b" 1)) }}', 'default'],
  ['{{ get .Values "missing" | quote }}', '""', { Values: {} }],
  ['{{ hasKey .missing "a" }}', 'false'],
  ['{{ hasKey .m "a" }}', 'ERROR: wrong type for value; expected map[string]interface {}; got interface {}', { m: null }],
  [
    '{{ $dst := dict "default" "default" "overwrite" "me" "key" "true" }}{{ $src := dict "overwrite" "overwritten" "key" "false" }}{{ merge $dst $src | toJson }}',
    '{"default":"default","key":"true","overwrite":"me"}',
  ],
  [
    '{{ $dst := dict "default" "default" "overwrite" "me" "key" "true" }}{{ $src := dict "overwrite" "overwritten" "key" "false" }}{{ mergeOverwrite $dst $src | toJson }}',
    '{"default":"default","key":"false","overwrite":"overwritten"}',
  ],
  ['{{ merge (dict "a" (dict "x" 1) "e" "") (dict "a" (dict "y" 2) "e" "filled" "n" (list 1)) | toJson }}', '{"a":{"x":1,"y":2},"e":"filled","n":[1]}'],
  ['{{ mergeOverwrite (dict "l" (list 1 2)) (dict "l" (list 3)) | toJson }}', '{"l":[3]}'],
  ['{{ $d := dict "a" 1 }}{{ $_ := merge $d (dict "b" 2) }}{{ $d | toJson }}', '{"a":1,"b":2}'],
]);

table('regex', [
  ['{{ regexMatch "^[a-z]+\\\\.com$" "example.com" }} {{ regexMatch "^[a-z]+$" "Ex" }}', 'true false'],
  ['{{ regexFindAll "a(b)" "abcabc" -1 }} {{ regexFindAll "[2,4,6,8]" "123456789" 3 }}', '[ab ab] [2 4 6]'],
  ['{{ regexFind "[a-zA-Z][1-9]" "abcd1234" }}', 'd1'],
  ['{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}', '-W-xxW-'],
  ['{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}', '---'],
  ['{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}', '-${1}-${1}-'],
  ['{{ regexReplaceAll "(?P<first>\\\\w+) (?P<last>\\\\w+)" "Ada Lovelace" "$last, $first" }}', 'Lovelace, Ada'],
  ['{{ regexSplit "z+" "pizza" -1 }} {{ regexSplit "z+" "pizza" 1 }} {{ regexSplit "z+" "pizza" 2 }}', '[pi a] [pizza] [pi a]'],
  ['{{ regexSplit "a" "banana" -1 }}', '[b n n ]'],
  ['{{ regexQuoteMeta "1.2.3+[x]" }}', '1\\.2\\.3\\+\\[x\\]'],
  ['{{ regexMatch "(?i)^abc$" "ABC" }} {{ regexMatch "\\\\Aab\\\\z" "ab" }} {{ regexMatch "[[:digit:]]+" "a1" }}', 'true true true'],
  ['{{ regexMatch "^\\\\pL+$" "héllo" }} {{ regexMatch "^\\\\p{Greek}+$" "αβγ" }} {{ regexMatch "\\\\p{^Lu}" "ABC" }} {{ regexMatch "\\\\PN" "1" }}', 'true true false false'],
  ['{{ regexMatch "^\\\\x{e9}$" "é" }} {{ regexFind "{a}" "x{a}y" }} {{ regexFind "a{2}" "baab" }} {{ regexFind "x]" "ax]" }}', 'true {a} aa x]'],
  ['{{ regexMatch "\\\\p{Klingon}" "a" }}', 'ERROR: invalid character class range: `\\p{Klingon}`'],
  ['{{ regexMatch "(a" "a" }}', 'ERROR: error calling regexMatch: error parsing regexp:'],
  ['{{ regexMatch "(?=a)" "a" }}', 'ERROR: invalid or unsupported Perl syntax'],
  ['{{ regexMatch "(a)\\\\1" "aa" }}', 'ERROR: invalid escape sequence: `\\1`'],
]);

table('reflection, paths, urls, crypto', [
  ['{{ typeOf 1 }} {{ typeOf 1.5 }} {{ typeOf "s" }} {{ typeOf true }} {{ typeOf (list) }} {{ typeOf (dict) }} {{ typeOf nil }}', 'int float64 string bool []interface {} map[string]interface {} <nil>'],
  ['{{ kindOf 1 }} {{ kindOf 1.5 }} {{ kindOf (list) }} {{ kindOf (dict) }} {{ kindOf nil }}', 'int float64 slice map invalid'],
  ['{{ kindIs "map" (dict) }} {{ kindIs "int" 1.5 }} {{ typeIs "string" "x" }} {{ typeIsLike "string" "x" }}', 'true false true true'],
  ['{{ deepEqual (list 1 2) (list 1 2) }} {{ deepEqual (dict "a" 1) (dict "a" 2) }} {{ deepEqual 1 1.0 }}', 'true false false'],
  ['{{ base "foo/bar/baz.txt" }} {{ dir "foo/bar/baz.txt" }} {{ ext "baz.tar.gz" }} {{ clean "foo/../bar//./baz" }} {{ isAbs "/x" }}', 'baz.txt foo/bar .gz bar/baz true'],
  ['{{ base "" }} {{ base "/" }} {{ dir "x" }} {{ clean "" }} {{ clean "/../a" }}', '. / . . /a'],
  ['{{ $u := urlParse "https://user:pass@example.com:8443/p/a?q=1#frag" }}{{ $u.scheme }} {{ $u.host }} {{ $u.hostname }} {{ $u.path }} {{ $u.query }} {{ $u.fragment }} {{ $u.userinfo }}', 'https example.com:8443 example.com /p/a q=1 frag user:pass'],
  ['{{ urlJoin (dict "scheme" "https" "host" "example.com" "path" "/a b" "query" "x=1") }}', 'https://example.com/a%20b?x=1'],
  ['{{ sha1sum "abc" }}', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ['{{ sha256sum "abc" }}', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['{{ adler32sum "Wikipedia" }}', '300286872'],
  ['{{ randBytes 12 | len }}', '16'],
  ['{{ uuidv4 | regexMatch "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$" }}', 'true'],
  ['{{ $c := encryptAES "secretkey" "plaintext" }}{{ decryptAES "secretkey" $c }}', 'plaintext'],
  ['{{ derivePassword 1 "long" "password" "user" "example.com" }}', 'ZedaFaxcZaso9*'],
  ['{{ genPrivateKey "ecdsa" | hasPrefix "-----BEGIN EC PRIVATE KEY-----" }} {{ genPrivateKey "ed25519" | hasPrefix "-----BEGIN PRIVATE KEY-----" }}', 'true true'],
  ['{{ genPrivateKey "nope" }}', 'Unknown type nope'],
]);

table('semver', [
  ['{{ semverCompare "1.2.3" "1.2.3" }} {{ semverCompare "=1.2.3" "1.2.4" }}', 'true false'],
  ['{{ semverCompare "^1.2.0" "1.3.0" }} {{ semverCompare "^1.2.0" "2.0.0" }} {{ semverCompare "^0.2.3" "0.2.9" }} {{ semverCompare "^0.2.3" "0.3.0" }}', 'true false true false'],
  ['{{ semverCompare "~1.2.0" "1.2.9" }} {{ semverCompare "~1.2.0" "1.3.0" }} {{ semverCompare "~1" "1.9.0" }}', 'true false true'],
  ['{{ semverCompare ">=1.19-0" "v1.20.3-gke.100" }} {{ semverCompare ">=1.19" "v1.20.3-gke.100" }} {{ semverCompare "<1.19-0" "1.18.2" }}', 'true false true'],
  ['{{ semverCompare ">1.2" "1.2.5" }} {{ semverCompare ">1.2" "1.3.0" }} {{ semverCompare "<=1.2" "1.2.9" }} {{ semverCompare "<=1.2" "1.3.0" }}', 'false true true false'],
  ['{{ semverCompare "1.2.x" "1.2.7" }} {{ semverCompare "1.x" "2.0.0" }} {{ semverCompare "*" "3.0.0" }}', 'true false true'],
  ['{{ semverCompare ">=1.1, <2" "1.5.0" }} {{ semverCompare ">=1.1 <2" "2.1.0" }} {{ semverCompare "<1 || >=3" "3.1.0" }}', 'true false true'],
  ['{{ semverCompare "1.1 - 1.3" "1.3.0" }} {{ semverCompare "1.1 - 1.3" "1.4.0" }} {{ semverCompare "!=1.2.3" "1.2.4" }}', 'true false true'],
  ['{{ $v := semver "v1.2.3-beta.1+build" }}{{ $v.Major }} {{ $v.Minor }} {{ $v.Patch }} {{ $v.Prerelease }} {{ $v.Metadata }} {{ $v }}', '1 2 3 beta.1 build 1.2.3-beta.1+build'],
  ['{{ semver "not-a-version" }}', 'ERROR: error calling semver: Invalid Semantic Version'],
  ['{{ semverCompare "=>>1" "1.0.0" }}', 'ERROR: improper constraint'],
]);

table('dates (TZ=UTC)', [
  ['{{ date "2006-01-02" .t }}', '2024-03-05', { t: new GoTime(1709652645123456789n, 'UTC') }],
  ['{{ .t | date "Mon Jan _2 15:04:05 MST 2006" }}', 'Tue Mar  5 15:30:45 UTC 2024', { t: new GoTime(1709652645123456789n, 'UTC') }],
  ['{{ .t | date "3:04PM .000 .999999 Z07:00 -0700" }}', '3:30PM .123 .123456 Z +0000', { t: new GoTime(1709652645123456789n, 'UTC') }],
  ['{{ dateInZone "2006-01-02 15:04 MST -07:00" .t "America/New_York" }}', '2024-03-05 10:30 EST -05:00', { t: new GoTime(1709652645000000000n, 'UTC') }],
  ['{{ dateInZone "2006-01-02" .t "Not/AZone" }}', '2024-03-05', { t: new GoTime(1709652645000000000n, 'UTC') }],
  ['{{ htmlDate .t }} {{ htmlDateInZone .t "Asia/Tokyo" }}', '2024-03-05 2024-03-06', { t: new GoTime(1709652645000000000n, 'UTC') }],
  ['{{ dateInZone "MST" .t "Europe/Berlin" }} {{ dateInZone "MST" .t "Asia/Tokyo" }} {{ dateInZone "MST" .t "Asia/Kolkata" }} {{ dateInZone "MST -0700" .t "America/Caracas" }}', 'CET JST IST -04 -0400', { t: new GoTime(1709652645000000000n, 'UTC') }],
  ['{{ date "2006-01-02" 86400 }}', '1970-01-02'],
  ['{{ toDate "2006-01-02" "2017-12-31" | date "02/01/2006" }}', '31/12/2017'],
  ['{{ toDate "2006-01-02T15:04:05Z07:00" "2017-12-31T10:20:30+02:00" | unixEpoch }}', '1514708430'],
  ['{{ toDate "2006-01-02" "not a date" }}', '0001-01-01 00:00:00 +0000 UTC'],
  ['{{ mustToDate "2006-01-02" "not a date" }}', 'ERROR: error calling mustToDate: parsing time'],
  ['{{ .t | dateModify "1h30m" | date "15:04" }} {{ .t | dateModify "-24h" | date "2006-01-02" }} {{ .t | dateModify "bad" | date "15:04" }}', '17:00 2024-03-04 15:30', { t: new GoTime(1709652645000000000n, 'UTC') }],
  ['{{ .t | mustDateModify "bad" }}', 'ERROR: time: invalid duration "bad"', { t: new GoTime(0n, 'UTC') }],
  ['{{ duration "95" }} {{ duration 3600 }} {{ duration "0" }} {{ duration 90061 }}', '1m35s 1h0m0s 0s 25h1m1s'],
  ['{{ durationRound "2h10m5s" }} {{ durationRound "3601s" }} {{ durationRound "50h" }} {{ durationRound "1000h" }} {{ durationRound "9000h" }}', '2h 1h 2d 1mo 1y'],
  ['{{ now | date "2006" | len }} {{ now | typeOf }}', '4 time.Time'],
  ['{{ ago .t | regexMatch "^[0-9hms]+$" }}', 'true', { t: new GoTime(0n, 'UTC') }],
  ['{{ unixEpoch .t }}', '1709652645', { t: new GoTime(1709652645999999999n, 'UTC') }],
  ['{{ .t }}', '2024-03-05 15:30:45.5 +0000 UTC', { t: new GoTime(1709652645500000000n, 'UTC') }],
  ['{{ .t | toJson }}', '"2024-03-05T15:30:45Z"', { t: new GoTime(1709652645000000000n, 'UTC') }],
]);

describe('Helm-style snippets', () => {
  function helm(files: Record<string, string>, main: string, values: unknown): string {
    const t: Template = new Template(main, { missingKey: 'zero' }).funcs(sprigFunctions).funcs({
      include: (name: unknown, data: unknown) => t.executeTemplate(String(name), data),
      toYaml: (v: unknown) => JSON.stringify(v),
    });
    for (const [name, text] of Object.entries(files)) t.parse(text, name);
    return t.execute(values);
  }

  const helpers = `{{/* Expand the name of the chart. */}}
{{- define "app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "app.labels" -}}
app.kubernetes.io/name: {{ include "app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}`;

  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.name" . }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          {{- with .Values.resources }}
          resources: {{ toYaml . }}
          {{- end }}
          {{- if .Values.env }}
          env:
            {{- range $k, $v := .Values.env }}
            - name: {{ $k | upper }}
              value: {{ $v | quote }}
            {{- end }}
          {{- end }}
`;

  const root = {
    Chart: { Name: 'web', AppVersion: '1.2.3' },
    Release: { Name: 'prod' },
    Values: { replicaCount: 3, image: { repository: 'nginx', tag: '' }, env: { b: 2, a: 'x' }, resources: { cpu: '1' } },
  };

  it('renders a deployment with include | nindent, default, with, range over a map', () => {
    expect(helm({ '_helpers.tpl': helpers, 'deployment.yaml': deployment }, 'deployment.yaml', root)).toBe(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/instance: prod
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: web
          image: "nginx:1.2.3"
          resources: {"cpu":"1"}
          env:
            - name: A
              value: "x"
            - name: B
              value: "2"
`);
  });

  it('Helm values numbers are float64: eq with an int literal fails as in Helm', () => {
    expect(() => helm({ 'x.yaml': '{{ if eq .Values.replicaCount 3 }}three{{ end }}' }, 'x.yaml', root)).toThrow(
      'template: x.yaml:1:6: executing "x.yaml" at <eq .Values.replicaCount 3>: error calling eq: incompatible types for comparison',
    );
    expect(helm({ 'x.yaml': '{{ if eq (int .Values.replicaCount) 3 }}three{{ end }}' }, 'x.yaml', root)).toBe('three');
  });

  it('a missing nested value is a nil pointer error under missingkey=zero, as Helm reports it', () => {
    expect(() => helm({ 'x.yaml': '{{ .Values.nope.deeper }}' }, 'x.yaml', root)).toThrow(
      'template: x.yaml:1:10: executing "x.yaml" at <.Values.nope.deeper>: nil pointer evaluating interface {}.deeper',
    );
  });

  it('large numbers print in Go float form', () => {
    expect(helm({ 'x.yaml': 'port: {{ .Values.big }} {{ .Values.big | int }}' }, 'x.yaml', { Values: { big: 1234567 } })).toBe(
      'port: 1.234567e+06 1234567',
    );
  });
});

describe('certificates', () => {
  it('genCA and genSignedCert produce a chain that verifies, with the SANs asked for', () => {
    const out = run(
      '{{ $ca := genCA "my-ca" 365 }}{{ $c := genSignedCert "svc.ns.svc" (list "10.0.0.1" "::1") (list "svc" "svc.ns.svc") 30 $ca }}' +
        '{{ $ca.Cert }}@@{{ $c.Cert }}@@{{ $c.Key }}',
    );
    const [caPem = '', certPem = '', keyPem = ''] = out.split('@@');
    const ca = new X509Certificate(caPem);
    const cert = new X509Certificate(certPem);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=my-ca');
    expect(cert.ca).toBe(false);
    expect(cert.issuer).toBe('CN=my-ca');
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe('DNS:svc, DNS:svc.ns.svc, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(Date.parse(cert.validTo) - Date.parse(cert.validFrom)).toBe(30 * 24 * 3600 * 1000);
    expect(cert.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    expect(keyPem.startsWith('-----BEGIN RSA PRIVATE KEY-----')).toBe(true);
  });

  it('genSelfSignedCertWithKey uses the given key', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    const pem = run('{{ (genSelfSignedCertWithKey "me" nil (list "a.b") 10 .key).Cert }}', { key });
    const cert = new X509Certificate(pem);
    expect(cert.subject).toBe('CN=me');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(key))).toBe(true);
  });

  it('rejects a bad IP address and a bad key', () => {
    expect(() => run('{{ genSelfSignedCert "x" (list "nope") nil 1 }}')).toThrow('error calling genSelfSignedCert: error parsing ip: nope');
    expect(() => run('{{ genCAWithKey "x" 1 "garbage" }}')).toThrow('error parsing private key');
  });
});

describe('bcrypt and htpasswd', () => {
  it('computes bcrypt as OpenBSD does (crypt_blowfish test vector)', () => {
    expect(bcryptHash('U*U', 5, 'CCCCCCCCCCCCCCCCCCCCC.')).toBe('$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW');
  });

  it('bcrypt and htpasswd hash with cost 10 and a fresh salt; the hash re-verifies', () => {
    const hash = run('{{ bcrypt "secret" }}');
    expect(hash).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(bcryptHash('secret', 10, hash.slice(7, 29))).toBe(hash);
    const line = run('{{ htpasswd "admin" "secret" }}');
    expect(line).toMatch(/^admin:\$2a\$10\$/);
  });

  it('htpasswd rejects a username with a colon and supports the sha form', () => {
    expect(run('{{ htpasswd "a:b" "x" }}')).toBe('invalid username: a:b');
    expect(run('{{ htpasswd "u" "password" "sha" }}')).toBe('u:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=');
  });
});

describe('function map', () => {
  // Sprig's genericMap (functions.go) without env, expandenv and getHostByName, as Helm installs it.
  const names = `hello ago date date_in_zone date_modify dateInZone dateModify duration durationRound htmlDate htmlDateInZone
    must_date_modify mustDateModify mustToDate now toDate unixEpoch abbrev abbrevboth trunc trim upper lower title untitle
    substr repeat trimall trimAll trimSuffix trimPrefix nospace initials randAlphaNum randAlpha randAscii randNumeric
    swapcase shuffle snakecase camelcase kebabcase wrap wrapWith contains hasPrefix hasSuffix quote squote cat indent
    nindent replace plural sha1sum sha256sum adler32sum toString atoi int64 int float64 seq toDecimal split splitList
    splitn toStrings until untilStep add1 add sub div mod mul randInt add1f addf subf divf mulf biggest max min maxf minf
    ceil floor round join sortAlpha default empty coalesce all any compact mustCompact fromJson toJson toPrettyJson
    toRawJson mustFromJson mustToJson mustToPrettyJson mustToRawJson ternary deepCopy mustDeepCopy typeOf typeIs
    typeIsLike kindOf kindIs deepEqual base dir clean ext isAbs osBase osClean osDir osExt osIsAbs b64enc b64dec b32enc
    b32dec tuple list dict get set unset hasKey pluck keys pick omit merge mergeOverwrite mustMerge mustMergeOverwrite
    values append push mustAppend mustPush prepend mustPrepend first mustFirst rest mustRest last mustLast initial
    mustInitial reverse mustReverse uniq mustUniq without mustWithout has mustHas slice mustSlice concat dig chunk
    mustChunk bcrypt htpasswd genPrivateKey derivePassword buildCustomCert genCA genCAWithKey genSelfSignedCert
    genSelfSignedCertWithKey genSignedCert genSignedCertWithKey encryptAES decryptAES randBytes uuidv4 semver
    semverCompare fail regexMatch mustRegexMatch regexFindAll mustRegexFindAll regexFind mustRegexFind regexReplaceAll
    mustRegexReplaceAll regexReplaceAllLiteral mustRegexReplaceAllLiteral regexSplit mustRegexSplit regexQuoteMeta
    urlParse urlJoin`.split(/\s+/);

  it('has every Sprig function Helm offers', () => {
    expect(names.filter((n) => !(n in sprigFunctions))).toEqual([]);
  });

  it('leaves out the environment and network functions, as Helm does', () => {
    expect(['env', 'expandenv', 'getHostByName'].filter((n) => n in sprigFunctions)).toEqual([]);
  });

  it('says hello', () => {
    expect(run('{{ hello }}')).toBe('Hello!');
  });
});

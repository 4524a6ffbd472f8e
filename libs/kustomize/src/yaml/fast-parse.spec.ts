import { fastParseYamlStream } from './fast-parse';
import { parseWithDocuments, parseYamlStream, SCHEMA_TAGS } from './parse';

const fast = (text: string) => fastParseYamlStream(text, SCHEMA_TAGS);

describe('fastParseYamlStream (the subset of YAML manifests use, read without the yaml Document API)', () => {
  // Each input must take the fast path and give exactly what the yaml package gives.
  const supported: [string, string][] = [
    ['core schema scalars and go-yaml octal/binary ints', 'a: 1\nb: 0755\nc: 0b101\nd: 0o17\ne: 0x1F\nf: 1.5\ng: 1e3\nh: .inf\ni: -.Inf\nj: .nan\nk: ~\nl: null\nm: true\nn: False\no: yes\np: 08\nq: +12\nr: 1_000\ns: 12345678901234567890\nt: -0\nu: 0.\nv: .5\n'],
    ['inherited property names as keys', 'constructor: 1\n__proto__: 2\ntoString: x\n'],
    ['literal, folded and chomped block scalars', 'a: |\n  l1\n  l2\nb: >\n  f1\n  f2\n\n  f3\n    more\n  back\nc: |-\n  x\nd: |+\n  y\ne: x\n'],
    ['explicit block indentation in a mapping', 'a:\n  b: |2\n      x\n     y\nc: |-2\n    z\n'],
    ['blank lines around block scalar content', 'a: |\n\n  after blank\nb: |\n  x\n\n\n'],
    ['more-indented and tab-led lines in folded scalars', 'a: >\n  x\n    y\n  z\n\n  w\n\n\n    v\n  u\nb: >-\n  x\n  \ty\n  z\n'],
    ['a final block scalar without a line break', 'a: |\n  x'],
    ['double-quoted escapes', 'a: "x\\ty\\u00e9\\x41\\U0001F600\\"\\\\\\/\\ \\_"\n'],
    ['multi-line quoted scalars', 'a: "line one\n  line two\n\n  line four \\\n  joined"\nb: \'it\'\'s\n  folded\n\n\n  para\'\n'],
    ['multi-line plain scalars and comments', 'a: plain\n  continued\n\n  para\n    "more" # c\nb: 1\nc: d#not\ne: "f" # c\ng: | # c\n  h\n'],
    ['one-line and multi-line flow collections', 'a: [1, "two", \'three\', {b: c}, [], {}]\nb: {"x":1, y: [a, b], z: "q"}\nc: [a, b, ]\nd: [a,\n    b,\n  c]\ne:\n  {}\n'],
    ['JSON documents', '{\n  "apiVersion": "v1",\n  "items": [1, 2.5, true, null, "x"]\n}\n'],
    ['documents, markers and comments', '# head\na: x\n---\n- 1\n--- # c\n---\nb: 1\n'],
    ['block sequences, indentless and nested', 'a:\n- x\n- y\nb:\n  - z\n  -\n  - w: 1\n    v: 2\n  - - n1\n    - n2\n'],
    ['quoted and spaced keys, keys that resolve to other types', 'key with spaces: v\n"quoted key": v\n\'single\': v\n"esc\\tkey": v\n1: a\ntrue: b\n'],
    ['empty values and comments between entries', 'a:\nb: # comment\n  c: 1\n  # c2\nd: \'\'\ne: ""\n'],
    ['an indented top-level mapping', '  a: 1\n  b: 2\n'],
    ['blank and empty streams', '\n\n'],
  ];
  it.each(supported)('%s', (_name, text) => {
    const got = fast(text);
    expect(got).toBeDefined();
    expect(got).toStrictEqual(parseWithDocuments(text, 'input'));
  });

  // Anchors, tags, merge keys, CRLF and the like, and every input the yaml package rejects, go to the yaml package.
  const outside: [string, string][] = [
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['tags', 'a: !!str 1\n'],
    ['merge keys', '<<: {a: 1}\nb: 2\n'],
    ['complex keys', '? a\n: b\n'],
    ['directives', '%YAML 1.2\n---\na: 1\n'],
    ['CRLF line breaks', 'a: b\r\nc: d\r\n'],
    ['a byte order mark', '\ufeffa: b\n'],
    ['tabs as separators', 'a:\tb\n'],
    ['duplicate keys', 'a: b\na: c\n'],
    ['duplicate keys in a flow mapping', 'a: { b: 1, b: 2 }\n'],
    ['bad escapes', 'a: "bad \\q"\n'],
    ['a comment inside a plain scalar', 'a: plain # c\n  more\n'],
    ['a mapping in a compact value', 'a: x: y\n'],
    ['content after a quoted scalar', 'a: "x" y\n'],
    ['an unterminated quote', 'a: "unterminated\n'],
    ['misaligned mapping keys', 'a:\n  b: 1\n c: 2\n'],
    ['a sequence after a mapping entry', 'a: 1\n- x\n'],
    ['a block sequence on the key line', 'a: - x\n'],
    ['content under a scalar value', 'a: "x"\n  b: 1\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['more-indented leading blank lines in a block scalar', 'a: |\n   \n  x\n'],
  ];
  it.each(outside)('%s', (_name, text) => {
    expect(fast(text)).toBeUndefined();
  });

  it('still reports bad input through the yaml package', () => {
    expect(() => parseYamlStream('a: b\na: c\n', 'dup.yaml')).toThrow(/failed to parse dup\.yaml: Map keys must be unique/);
    expect(() => parseYamlStream('a: x: y\n', 'nested.yaml')).toThrow(/failed to parse nested\.yaml/);
  });
});

import { fromJson, fromJsonArray, fromToml, fromYaml, fromYamlArray, mustToJson, mustToYaml, required, toJson, toToml, toYaml, toYamlPretty } from './helm-functions';
import { templateFiles } from './files';

describe("Helm's template functions", () => {
  it('toYaml writes sorted keys, indentless lists and no final newline', () => {
    expect(toYaml({ b: [1, 'two'], a: { d: null, c: true }, num: 10n, m: new Map([['k', 'v']]) })).toBe(
      'a:\n  c: true\n  d: null\nb:\n- 1\n- two\nm:\n  k: v\nnum: 10',
    );
    expect(toYaml({})).toBe('{}');
    expect(toYaml('text')).toBe('text');
    expect(toYaml({ s: 'multi\nline' })).toBe('s: |-\n  multi\n  line');
  });

  it('writes Go Stringers (engine times, versions) as their JSON or String form', () => {
    const stringer = { goString: () => 'v1.2.3', goTypeName: () => '*semver.Version' };
    const marshalled = { goString: () => 'x', goTypeName: () => 'time.Time', toJSON: () => '2024-01-02T03:04:05Z' };
    expect(toYaml({ v: stringer, t: marshalled })).toBe('t: "2024-01-02T03:04:05Z"\nv: v1.2.3');
    expect(toJson({ v: stringer })).toBe('{"v":"v1.2.3"}');
  });

  it('toYamlPretty indents lists', () => {
    expect(toYamlPretty({ b: [1, 2], a: 1 })).toBe('a: 1\nb:\n  - 1\n  - 2');
  });

  it('toJson escapes HTML characters and sorts keys as json.Marshal', () => {
    expect(toJson({ z: '<a&b>', a: [1.5, 2n] })).toBe('{"a":[1.5,2],"z":"\\u003ca\\u0026b\\u003e"}');
  });

  it('fromYaml and fromJson return an Error entry instead of failing', () => {
    expect(fromYaml('a: 1\nb: [x]')).toEqual({ a: 1, b: ['x'] });
    expect(fromYaml('a: [')).toHaveProperty('Error');
    expect(fromYaml('- a')).toHaveProperty('Error');
    expect(fromYamlArray('- a\n- 2')).toEqual(['a', 2]);
    expect(fromYamlArray('a: 1')).toHaveLength(1);
    expect(fromJson('{"a":1}')).toEqual({ a: 1 });
    expect(fromJson('nope')).toHaveProperty('Error');
    expect(fromJsonArray('[1]')).toEqual([1]);
    expect(fromToml('a = 1\n[b]\nc = "d"\n')).toEqual({ a: 1, b: { c: 'd' } });
    expect(toToml({ a: 'x' })).toBe('a = "x"\n');
  });

  it('toYaml and toJson give "" for what JSON cannot hold; the must variants throw', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(toYaml(cyclic)).toBe('');
    expect(() => mustToYaml(cyclic)).toThrow();
    expect(toJson({ x: Number.NaN })).toBe('');
    expect(() => mustToJson({ x: Number.POSITIVE_INFINITY })).toThrow('json: unsupported value: +Inf');
  });

  it('required fails on nil and the empty string only', () => {
    expect(required('need it', 0)).toBe(0);
    expect(required('need it', false)).toBe(false);
    expect(() => required('need it', null)).toThrow('need it');
    expect(() => required('need it', '')).toThrow('need it');
  });
});

describe('.Files', () => {
  const files = templateFiles([
    { name: 'config/app.ini', data: Buffer.from('a=1\nb=2\n') },
    { name: 'config/nested/deep.ini', data: Buffer.from('c=3') },
    { name: 'README.md', data: Buffer.from('# hi') },
  ]);

  it('gets files as text, bytes and lines; a missing file is empty', () => {
    expect(files.Get('README.md')).toBe('# hi');
    expect(files.Get('missing')).toBe('');
    expect(files.GetBytes('README.md').toString()).toBe('# hi');
    expect(files.Lines('config/app.ini')).toEqual(['a=1', 'b=2']);
    expect(files.Lines('missing')).toEqual([]);
  });

  it('globs with * inside a directory and ** across directories', () => {
    expect(files.Glob('config/*').Get('config/app.ini')).toBe('a=1\nb=2\n');
    expect(files.Glob('config/*').Get('config/nested/deep.ini')).toBe('');
    expect(files.Glob('config/**.ini').Get('config/nested/deep.ini')).toBe('c=3');
    expect(files.Glob('{README,LICENSE}.md').Get('README.md')).toBe('# hi');
  });

  it('renders ConfigMap data and Secret data by base name', () => {
    expect(files.Glob('config/**').AsConfig()).toBe('app.ini: |\n  a=1\n  b=2\ndeep.ini: c=3');
    expect(files.Glob('README.md').AsSecrets()).toBe('README.md: IyBoaQ==');
    expect(files.Glob('none/*').AsConfig()).toBe('');
  });
});

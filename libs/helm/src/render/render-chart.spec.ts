import type { Chart } from '../chart/chart';
import { loadChartFiles } from '../chart/load-chart';
import { templateText } from '../manifest/sort-manifests';
import { coalesceValues } from '../values/coalesce';
import { renderChart, renderChartAsync, renderTemplates } from './render-chart';
import type { RenderOptions } from './render-types';

// Cases from Helm's own engine tests (pkg/engine/engine_test.go): same charts, values and expected output.

function chart(name: string, templates: Record<string, string>, options: { values?: string; files?: Record<string, string>; deps?: Chart[] } = {}): Chart {
  const files: Record<string, string> = { 'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: 1.2.3\n` };
  for (const [path, text] of Object.entries(templates)) files[`templates/${path}`] = text;
  for (const [path, text] of Object.entries(options.files ?? {})) files[path] = text;
  if (options.values) files['values.yaml'] = options.values;
  return { ...loadChartFiles(files), dependencies: options.deps ?? [] };
}

const release = (name = 'TestRelease'): RenderOptions['release'] => ({ name, namespace: 'default', revision: 1, isInstall: true, isUpgrade: false });

function render(c: Chart, values: Record<string, unknown> = {}, options: Partial<RenderOptions> = {}): Map<string, string> {
  return renderTemplates(c, coalesceValues(c, values), { release: release(), ...options });
}

describe('renderTemplates (Helm engine cases)', () => {
  it('renders values, globals, missing keys and toJson (TestRender)', () => {
    const c = chart('moby', {
      test1: '{{.Values.outer | title }} {{.Values.inner | title}}',
      test2: '{{.Values.global.callme | lower }}',
      test3: '{{.noValue}}',
      test4: '{{toJson .Values}}',
      test5: '{{getHostByName "helm.sh"}}',
    }, { values: 'outer: DEFAULT\ninner: DEFAULT\n' });
    const out = render(c, { outer: 'spouter', inner: 'inn', global: { callme: 'Ishmael' } });
    expect(Object.fromEntries(out)).toEqual({
      'moby/templates/test1': 'Spouter Inn',
      'moby/templates/test2': 'ishmael',
      'moby/templates/test3': '',
      'moby/templates/test4': '{"global":{"callme":"Ishmael"},"inner":"inn","outer":"spouter"}',
      'moby/templates/test5': '',
    });
  });

  it("lets the parent's define win over a subchart's (TestRenderRefsOrdering)", () => {
    const child = chart('child', { '_helpers.tpl': '{{- define "test" -}}child value{{- end -}}' });
    const parent = chart('parent', {
      '_helpers.tpl': '{{- define "test" -}}parent value{{- end -}}',
      'test.yaml': '{{ tpl "{{ include \\"test\\" . }}" . }}',
    }, { deps: [child] });
    expect(render(parent).get('parent/templates/test.yaml')).toBe('parent value');
  });

  it('reports parse and execution errors as Helm does (TestParseErrors, TestExecErrors, TestFailErrors)', () => {
    expect(() => render(chart('p', { undefined_function: '{{foo}}' }))).toThrow('parse error at (p/templates/undefined_function:1): function "foo" not defined');
    expect(() => render(chart('r', { missing_required: '{{required "foo is required" .Values.foo}}' }))).toThrow(
      'execution error at (r/templates/missing_required:1:2): foo is required',
    );
    expect(() => render(chart('r', { colons: '{{required ":this: message: has many: colons:" .Values.foo}}' }))).toThrow(
      'execution error at (r/templates/colons:1:2): :this: message: has many: colons:',
    );
    expect(() =>
      render(chart('r', { issue6044: '{{ $someEmptyValue := "" }}\n{{ $myvar := "abc" }}\n{{- required (printf "%s: something is missing" $myvar) $someEmptyValue | repeat 0 }}' })),
    ).toThrow('execution error at (r/templates/issue6044:3:4): abc: something is missing');
    expect(() => render(chart('f', { failtpl: 'All your base are belong to us{{ fail "This is an error" }}' }))).toThrow(
      'execution error at (f/templates/failtpl:1:33): This is an error',
    );
  });

  it('tells the root chart from subcharts (TestChartValuesContainsIsRoot)', () => {
    const out = render(chart('parent', { isroot: '{{.Chart.IsRoot}}' }, { deps: [chart('child', { isroot: '{{.Chart.IsRoot}}' })] }));
    expect(out.get('parent/templates/isroot')).toBe('true');
    expect(out.get('parent/charts/child/templates/isroot')).toBe('false');
  });

  it("uses a subchart's define from the parent (TestRenderDependency)", () => {
    const out = render(chart('outerchart', { outer: 'Hello {{template "myblock"}}' }, { deps: [chart('innerchart', { inner: '{{define "myblock"}}World{{end}}' })] }));
    expect(out.get('outerchart/templates/outer')).toBe('Hello World');
    expect(out.size).toBe(2);
  });

  it('scopes values, globals, .Release and .Subcharts per chart (TestRenderNestedValues)', () => {
    const deepest = chart('deepest', {
      'inner.tpl': 'And this same {{.Values.what}} that smiles {{.Values.global.when}}',
      'release.tpl': 'Tomorrow will be {{default "happy" .Release.Name }}',
    }, { values: 'what: milkshake\nwhere: here\n' });
    const inner = chart('herrick', { 'inner.tpl': "Old {{.Values.who}} is still a-flyin'" }, { values: 'who: Robert\nwhat: glasses\n', deps: [deepest] });
    const outer = chart('top', {
      'outer.tpl': 'Gather ye {{.Values.what}} while ye may',
      'subcharts.tpl': 'The glorious Lamp of {{.Subcharts.herrick.Subcharts.deepest.Values.where}}, the {{.Subcharts.herrick.Values.what}}',
    }, { values: 'what: stinkweed\nwho: me\nherrick:\n  who: time\n  what: Sun\n', deps: [inner] });
    const values = { what: 'rosebuds', herrick: { deepest: { what: 'flower', where: 'Heaven' } }, global: { when: 'to-day' } };
    const out = renderTemplates(outer, coalesceValues(outer, values), { release: release('dyin') });
    expect(out.get('top/templates/outer.tpl')).toBe('Gather ye rosebuds while ye may');
    expect(out.get('top/charts/herrick/templates/inner.tpl')).toBe("Old time is still a-flyin'");
    expect(out.get('top/charts/herrick/charts/deepest/templates/inner.tpl')).toBe('And this same flower that smiles to-day');
    expect(out.get('top/charts/herrick/charts/deepest/templates/release.tpl')).toBe('Tomorrow will be dyin');
    expect(out.get('top/templates/subcharts.tpl')).toBe('The glorious Lamp of Heaven, the Sun');
  });

  it('exposes .Template, .Chart, .Release and .Files (TestRenderBuiltinValues)', () => {
    const latium = chart('Latium', {
      Lavinia: '{{.Template.Name}}{{.Chart.Name}}{{.Release.Name}}',
      From: '{{.Files.author | printf "%s"}} {{.Files.Get "book/title.txt"}}',
    }, { files: { author: 'Virgil', 'book/title.txt': 'Aeneid' } });
    const troy = chart('Troy', {
      Aeneas: '{{.Template.Name}}{{.Chart.Name}}{{.Release.Name}}',
      Amata: '{{.Subcharts.Latium.Chart.Name}} {{.Subcharts.Latium.Files.author | printf "%s"}}',
    }, { deps: [latium] });
    const out = Object.fromEntries(renderTemplates(troy, coalesceValues(troy, {}), { release: release('Aeneid') }));
    expect(out).toEqual({
      'Troy/charts/Latium/templates/Lavinia': 'Troy/charts/Latium/templates/LaviniaLatiumAeneid',
      'Troy/templates/Aeneas': 'Troy/templates/AeneasTroyAeneid',
      'Troy/templates/Amata': 'Latium Virgil',
      'Troy/charts/Latium/templates/From': 'Virgil Aeneid',
    });
  });

  it('includes partials and stops endless recursion (TestAlterFuncMap_include, TestRenderRecursionLimit)', () => {
    const conrad = chart('conrad', { quote: '{{include "conrad/templates/_partial" . | indent 2}} dead.', _partial: '{{.Release.Name}} - he' });
    expect(renderTemplates(conrad, {}, { release: release('Mistah Kurtz') }).get('conrad/templates/quote')).toBe('  Mistah Kurtz - he dead.');
    expect(() => render(chart('nested', { quote: '{{include "nested/templates/quote" . | indent 2}} dead.' }))).toThrow(/nested reference name: nested\/templates\/quote/);
    expect(() => render(chart('bad', { base: '{{include "recursion" . }}', recursion: '{{define "recursion"}}{{include "recursion" . }}{{end}}' }))).toThrow(
      /rendering template has a nested reference name: recursion: unable to execute template/,
    );
    const phrase = 'All work and no play makes Jack a dull boy';
    const overlook = chart('overlook', { quote: '{{include "overlook" . }}'.repeat(4000), _function: `{{define "overlook"}}{{printf "${phrase}\\n"}}{{end}}` });
    expect(render(overlook).get('overlook/templates/quote')).toBe(`${phrase}\n`.repeat(4000));
  });

  it('evaluates tpl against the given data, with includes and Template names (TestAlterFuncMap_tpl*, TestRenderTplTemplateNames)', () => {
    const c = chart('TplFunction', {
      base: 'Evaluate tpl {{tpl "Value: {{ .Values.value}}" .}}',
      quoted: 'Evaluate tpl {{tpl "Value: {{ .Values.value | quote}}" .}}',
      include: '{{ tpl "{{include `TplFunction/templates/_partial` .  | quote }}" .}}',
      _partial: '{{.Template.Name}}',
      'default-basepath': '{{tpl "{{ .Template.BasePath }}" .}}',
      'modified-name': '{{tpl "{{ .Template.Name }}" .Values.dot}}',
      'empty-string': '{{tpl "" .}}',
      'empty-action': '{{tpl "{{ \\"\\"}}" .}}',
      'only-defines': '{{tpl "{{define \\"not-invoked\\"}}not-rendered{{end}}" .}}',
      missing: 'missingValue: {{tpl "{{.Values.noSuchKey}}" .}}',
    });
    const out = render(c, { value: 'myvalue', dot: { Template: { BasePath: 'path/to/template', Name: 'name-of-template' } } });
    expect(out.get('TplFunction/templates/base')).toBe('Evaluate tpl Value: myvalue');
    expect(out.get('TplFunction/templates/quoted')).toBe('Evaluate tpl Value: "myvalue"');
    expect(out.get('TplFunction/templates/include')).toBe('"TplFunction/templates/include"');
    expect(out.get('TplFunction/templates/default-basepath')).toBe('TplFunction/templates');
    expect(out.get('TplFunction/templates/modified-name')).toBe('name-of-template');
    expect(out.get('TplFunction/templates/empty-string')).toBe('');
    expect(out.get('TplFunction/templates/empty-action')).toBe('');
    expect(out.get('TplFunction/templates/only-defines')).toBe('');
    expect(out.get('TplFunction/templates/missing')).toBe('missingValue: ');
    expect(() => render(chart('strict', { manifest: 'missingValue: {{tpl "{{.Values.noSuchKey}}" .}}' }), {}, { strict: true })).toThrow(/noSuchKey/);
  });

  it('keeps redefinitions inside tpl local to it (TestRenderTplRedefines)', () => {
    const c = chart('TplRedefines', {
      _partials: '{{define "partial"}}original-in-partial{{end}}',
      partial: 'before: {{include "partial" .}}\n{{tpl .Values.partialText .}}\nafter: {{include "partial" .}}',
      manifest: '{{define "manifest"}}original-in-manifest{{end}}before: {{include "manifest" .}}\n{{tpl .Values.manifestText .}}\nafter: {{include "manifest" .}}',
    });
    const out = render(c, {
      partialText: '{{define "partial"}}redefined-in-tpl{{end}}tpl: {{include "partial" .}}',
      manifestText: '{{define "manifest"}}redefined-in-tpl{{end}}tpl: {{include "manifest" .}}',
    });
    expect(out.get('TplRedefines/templates/partial')).toBe('before: original-in-partial\ntpl: redefined-in-tpl\nafter: original-in-partial');
    expect(out.get('TplRedefines/templates/manifest')).toBe('before: original-in-manifest\ntpl: redefined-in-tpl\nafter: original-in-manifest');
  });

  it('loads tpl text from .Files (TestRenderLoadTemplateForTplFromFile)', () => {
    const c = chart('TplLoadFromFile', { base: '{{ tpl (.Files.Get .Values.filename) . }}', _function: '{{define "test-function"}}test-function{{end}}' }, {
      files: { test: '{{ tpl (.Files.Get .Values.filename2) .}}', test2: '{{include "test-function" .}}{{define "nested-define"}}nested-define-content{{end}} {{include "nested-define" .}}' },
    });
    expect(render(c, { filename: 'test', filename2: 'test2' }).get('TplLoadFromFile/templates/base')).toBe('test-function nested-define-content');
  });

  it('answers lookup through the port, and with an empty map without one (TestRenderWithClientProvider)', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod1', namespace: 'default' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod2', namespace: 'ns1' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod3', namespace: 'ns1' } },
    ];
    const lookup = (apiVersion: string, kind: string, namespace: string, name: string): Record<string, unknown> => {
      const found = objects.filter((o) => o.apiVersion === apiVersion && o.kind === kind && (!namespace || o.metadata.namespace === namespace));
      if (!name) return { items: found };
      return found.find((o) => o.metadata.name === name) ?? {};
    };
    const c = chart('moby', {
      'ns-single': '{{ (lookup "v1" "Namespace" "" "default").metadata.name }}',
      'ns-list': '{{ (lookup "v1" "Namespace" "" "").items | len }}',
      'ns-missing': '{{ (lookup "v1" "Namespace" "" "absent") }}',
      'pod-single': '{{ (lookup "v1" "Pod" "default" "pod1").metadata.name }}',
      'pod-list': '{{ (lookup "v1" "Pod" "ns1" "").items | len }}',
      'pod-all': '{{ (lookup "v1" "Pod" "" "").items | len }}',
    });
    expect(Object.fromEntries(render(c, {}, { lookup }))).toEqual({
      'moby/templates/ns-single': 'default',
      'moby/templates/ns-list': '1',
      'moby/templates/ns-missing': 'map[]',
      'moby/templates/pod-single': 'pod1',
      'moby/templates/pod-list': '2',
      'moby/templates/pod-all': '3',
    });
    expect(render(chart('offline', { x: '{{ lookup "v1" "Secret" "ns" "s" }}' })).get('offline/templates/x')).toBe('map[]');
  });

  it("prints values numbers as Go float64s, Helm's numeric quirk", () => {
    const out = render(chart('num', { n: '{{ .Values.big }} {{ .Values.small }} {{ .Values.frac }} {{ int64 .Values.big }}' }, { values: 'big: 1000000\nsmall: 3\nfrac: 0.5\n' }));
    expect(out.get('num/templates/n')).toBe('1e+06 3 0.5 1000000');
  });

  it('sees .Release as Helm sets it, the revision a Go int', () => {
    const c = chart('rel', { r: '{{ .Release.Name }} {{ .Release.Namespace }} {{ .Release.Revision }} {{ eq .Release.Revision 1 }} {{ .Release.IsInstall }} {{ .Release.IsUpgrade }} {{ .Release.Service }}' });
    expect(render(c).get('rel/templates/r')).toBe('TestRelease default 1 true true false Helm');
  });

  it('sees .Capabilities from the options', () => {
    const c = chart('caps', {
      k: '{{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Major }}.{{ .Capabilities.KubeVersion.Minor }} {{ .Capabilities.APIVersions.Has "apps/v1" }} {{ .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }}',
    });
    expect(render(c, {}, { kubeVersion: 'v1.32.1', apiVersions: ['apps/v1', 'monitoring.coreos.com/v1'] }).get('caps/templates/k')).toBe('v1.32.1 1.32 true true');
    // a cluster's discovery replaces the defaults, as in Helm
    expect(render(c, {}, { apiVersions: ['monitoring.coreos.com/v1'] }).get('caps/templates/k')).toBe('v1.31.0 1.31 false true');
    expect(render(c).get('caps/templates/k')).toBe('v1.31.0 1.31 true false');
  });
});

describe('renderChart', () => {
  const sub = chart('sub', {
    'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}\ndata:\n  color: {{ .Values.global.color }}\n  size: {{ .Values.size | quote }}\n',
    'NOTES.txt': 'sub notes',
  }, { values: 'size: small\n', files: { 'crds/widget.yaml': 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n' } });
  const optional = chart('optional', { 'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: optional\n' });
  const app: Chart = {
    ...loadChartFiles({
      'Chart.yaml':
        'apiVersion: v2\nname: app\nversion: 1.0.0\nappVersion: "2.0"\ndependencies:\n  - name: sub\n    alias: store\n  - name: optional\n    condition: optional.enabled\n',
      'values.yaml': 'global:\n  color: blue\noptional:\n  enabled: false\nname: app\n',
      'values.schema.json': '{"type":"object","properties":{"name":{"type":"string","minLength":2}}}',
      'templates/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ required "name is required" .Values.name }}\n  namespace: {{ .Release.Namespace }}\n',
      'templates/ns.yaml': '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ .Release.Namespace }}\n---\n',
      'templates/job.yaml':
        'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-install,pre-upgrade\n    helm.sh/hook-weight: "5"\n',
      'templates/NOTES.txt': 'Installed {{ .Chart.Name }} {{ .Chart.AppVersion }} as {{ .Release.Name }}',
      'templates/_helpers.tpl': '{{ define "unused" }}x{{ end }}',
    }),
    dependencies: [sub, optional],
  };
  const options: RenderOptions = { release: { name: 'web', namespace: 'apps', revision: 1, isInstall: true, isUpgrade: false } };

  it('renders the chart and its enabled subcharts, sorted, with hooks, CRDs and notes apart', () => {
    const rendered = renderChart(app, { store: { size: 'large' } }, options);
    expect(rendered.manifests.map((m) => `${String(m.kind)}/${String(m.metadata?.name)}`)).toEqual(['Namespace/apps', 'ConfigMap/web-store', 'Deployment/app']);
    expect(rendered.manifests[1]).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-store' }, data: { color: 'blue', size: 'large' } });
    expect(rendered.hooks.map((h) => [h.name, h.events, h.weight, h.path])).toEqual([['migrate', ['pre-install', 'pre-upgrade'], 5, 'app/templates/job.yaml']]);
    expect(rendered.crds.map((c) => c.metadata?.name)).toEqual(['widgets.example.com']);
    expect(rendered.notes).toBe('Installed app 2.0 as web');
    expect(rendered.chart.dependencies.map((d) => d.metadata.name)).toEqual(['store']);
    expect(rendered.manifest).toBe(
      '---\n# Source: app/templates/ns.yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n' +
        '---\n# Source: app/charts/store/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-store\ndata:\n  color: blue\n  size: "large"\n' +
        '---\n# Source: app/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  namespace: apps\n',
    );
  });

  it('enables a subchart by its condition and renders its notes on request', () => {
    const rendered = renderChart(app, { optional: { enabled: true } }, { ...options, subchartNotes: true });
    expect(rendered.manifests.map((m) => m.kind)).toContain('Service');
    expect(rendered.notes).toBe('Installed app 2.0 as web\nsub notes');
  });

  it('fails on schema violations, required values, library charts and kubeVersion constraints', () => {
    expect(() => renderChart(app, { name: 'x' }, options)).toThrow("values don't meet the specifications of the schema(s) in the following chart(s):\napp:\n- name: String length must be greater than or equal to 2\n");
    expect(() => renderChart(app, { name: null }, options)).toThrow('execution error at (app/templates/deploy.yaml:4:11): name is required');
    const library: Chart = { ...app, metadata: { ...app.metadata, type: 'library' } };
    expect(() => renderChart(library, {}, options)).toThrow('chart app: library charts are not installable');
    const modern: Chart = { ...app, metadata: { ...app.metadata, kubeVersion: '>=1.32.0-0' } };
    expect(() => renderChart(modern, {}, options)).toThrow('chart requires kubeVersion: >=1.32.0-0 which is incompatible with Kubernetes v1.31.0');
    expect(renderChart(modern, {}, { ...options, kubeVersion: '1.32' }).manifests).toHaveLength(3);
    const missing: Chart = { ...app, dependencies: [optional] };
    expect(() => renderChart(missing, {}, options)).toThrow('found in Chart.yaml, but missing in charts/ directory: sub');
  });

  it('renders nothing but partials of a library subchart', () => {
    const lib: Chart = { ...chart('lib', { '_names.tpl': '{{ define "lib.name" }}from-lib{{ end }}', 'cm.yaml': 'kind: ConfigMap' }), metadata: { name: 'lib', version: '1.0.0', apiVersion: 'v2', type: 'library' } };
    const user = chart('user', { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "lib.name" . }}\n' }, { deps: [lib] });
    const rendered = renderChart(user, {}, options);
    expect(rendered.manifests.map((m) => m.metadata?.name)).toEqual(['from-lib']);
  });
});

describe("Helm's function tests (pkg/engine/funcs_test.go)", () => {
  it.each([
    ['{{ toYaml .Values.v }}', { foo: 'bar' }, 'foo: bar'],
    ['{{ toToml .Values.v }}', { foo: 'bar' }, 'foo = "bar"\n'],
    ['{{ toJson .Values.v }}', { foo: 'bar' }, '{"foo":"bar"}'],
    ['{{ fromYaml .Values.v }}', 'hello: world', 'map[hello:world]'],
    ['{{ fromYamlArray .Values.v }}', '- one\n- 2\n- name: helm\n', '[one 2 map[name:helm]]'],
    ['{{ fromYamlArray .Values.v }}', '["one", 2, { "name": "helm" }]', '[one 2 map[name:helm]]'],
    ['{{ toToml .Values.v }}', { mast: { sail: 'white' } }, '[mast]\n  sail = "white"\n'],
    ['{{ fromYaml .Values.v }}', '- one\n- two\n', 'map[Error:error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}]'],
    ['{{ fromJson .Values.v }}', '{"hello":"world"}', 'map[hello:world]'],
    ['{{ fromJson .Values.v }}', '["one", "two"]', 'map[Error:json: cannot unmarshal array into Go value of type map[string]interface {}]'],
    ['{{ fromJsonArray .Values.v }}', '["one", 2, { "name": "helm" }]', '[one 2 map[name:helm]]'],
    ['{{ fromJsonArray .Values.v }}', '{"hello": "world"}', '[json: cannot unmarshal object into Go value of type []interface {}]'],
    ['{{ merge .Values.v.dict (fromYaml .Values.v.yaml) }}', { dict: { a: { b: 'c' } }, yaml: '{"a":{"b":"d"}}' }, 'map[a:map[b:c]]'],
    ['{{ merge (fromYaml .Values.v.yaml) .Values.v.dict }}', { dict: { a: { b: 'c' } }, yaml: '{"a":{"b":"d"}}' }, 'map[a:map[b:d]]'],
    ['{{ fromYamlArray .Values.v }}', 'hello: world', '[error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}]'],
    ['{{ lookup "v1" "Namespace" "" "unlikelynamespace99999999" }}', 'x', 'map[]'],
  ])('%s of %j', (template, v, expected) => {
    expect(render(chart('funcs', { t: template }), { v }).get('funcs/templates/t')).toBe(expected);
  });

  it('writes TOML as BurntSushi/toml does: plain keys, then tables, nested keys indented', () => {
    const out = render(chart('toml', { t: '{{ toToml .Values.v }}' }), { v: { a: 1, s: 'x"y', t: { x: [1, 2], u: { y: true } }, arr: [{ n: 1 }, { n: 2 }] } });
    expect(out.get('toml/templates/t')).toBe('a = 1\ns = "x\\"y"\n\n[[arr]]\n  n = 1\n\n[[arr]]\n  n = 2\n\n[t]\n  x = [1, 2]\n  [t.u]\n    y = true\n');
  });
});

describe("Helm's golden outputs (helm template)", () => {
  it('issue-totoml: toToml of a values integer prints an integer', () => {
    const c = chart('issue-totoml', { 'configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: issue-totoml\ndata: |\n  {{ .Values.global | toToml }}\n' }, { values: 'global:\n  key: 13\n' });
    const rendered = renderChart(c, {}, { release: release('release-name') });
    expect(templateText(rendered.manifest, rendered.hooks)).toBe(
      '---\n# Source: issue-totoml/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: issue-totoml\ndata: |\n  key = 13\n',
    );
  });
});

describe('renderChartAsync', () => {
  it('answers lookups from an asynchronous port, following lookups that depend on earlier ones', async () => {
    const c = chart('dep', {
      'cm.yaml':
        '{{- $cfg := lookup "v1" "ConfigMap" .Release.Namespace "pointer" }}\n' +
        '{{- $target := lookup "v1" "Secret" .Release.Namespace (dig "data" "target" "none" $cfg) }}\n' +
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: out\ndata:\n  found: {{ dig "metadata" "name" "missing" $target | quote }}\n',
    });
    const asked: string[] = [];
    const lookup = async (_apiVersion: string, kind: string, _namespace: string, name: string): Promise<Record<string, unknown>> => {
      asked.push(`${kind}/${name}`);
      if (kind === 'ConfigMap' && name === 'pointer') return { data: { target: 'real' } };
      if (kind === 'Secret' && name === 'real') return { metadata: { name: 'real' } };
      return {};
    };
    const rendered = await renderChartAsync(c, {}, { release: release(), lookup });
    expect(rendered.manifests[0]).toMatchObject({ data: { found: 'real' } });
    expect(asked).toEqual(['ConfigMap/pointer', 'Secret/none', 'Secret/real']);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { HelmError } from '../errors';
import { loadChart, loadChartDirectory, loadChartFiles } from './load-chart';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ferry-helm-load-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** `helm package`'s layout: a gzipped tar of `<name>/...`, made with the real tar. */
function packageChart(name: string, files: Record<string, string>): Buffer {
  const src = join(root, `src-${name}`);
  write(join(src, name), files);
  const out = join(root, `${name}.tgz`);
  execFileSync('tar', ['-czf', out, '-C', src, name]);
  return readFileSync(out);
}

const sub = {
  'Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 0.2.0\n',
  'values.yaml': 'port: 80\n',
  'templates/svc.yaml': 'kind: Service\n',
};

describe('loadChart', () => {
  it('loads every part of a packaged chart, with subcharts as directories and archives', () => {
    const archive = packageChart('app', {
      'Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\nappVersion: 2.0\nkubeVersion: ">=1.20.0-0"\ndependencies:\n  - name: sub\n    version: 0.2.0\n',
      'values.yaml': 'replicas: 2\nenabled: yes\nmode: 0755\n',
      'values.schema.json': '{"type":"object"}',
      'Chart.lock': 'generated: "2024-01-01T00:00:00Z"\ndigest: sha256:abc\ndependencies: []\n',
      'templates/deployment.yaml': 'kind: Deployment\n',
      'templates/_helpers.tpl': '{{- define "x" }}{{ end }}',
      'templates/NOTES.txt': 'hi',
      'crds/crd.yaml': 'kind: CustomResourceDefinition\n',
      'files/config.ini': 'a=b\n',
      ...Object.fromEntries(Object.entries(sub).map(([k, v]) => [`charts/sub/${k}`, v])),
    });
    const chart = loadChart(archive);
    expect(chart.metadata).toMatchObject({ name: 'app', version: '1.0.0', appVersion: '2', kubeVersion: '>=1.20.0-0' });
    // Helm reads values as YAML 1.1 through JSON: yes is true, 0755 is octal
    expect(chart.values).toEqual({ replicas: 2, enabled: true, mode: 493 });
    expect(chart.schema?.toString()).toBe('{"type":"object"}');
    expect(chart.lock?.digest).toBe('sha256:abc');
    expect(chart.templates.map((t) => t.name)).toEqual(['templates/NOTES.txt', 'templates/_helpers.tpl', 'templates/deployment.yaml']);
    expect(chart.files.map((f) => f.name)).toEqual(['crds/crd.yaml', 'files/config.ini']);
    expect(chart.dependencies.map((d) => [d.metadata.name, d.values, d.templates.length])).toEqual([['sub', { port: 80 }, 1]]);
  });

  it('loads subcharts packaged as .tgz inside charts/', () => {
    const inner = packageChart('sub', sub);
    const dir = join(root, 'with-archive');
    write(dir, { 'Chart.yaml': 'apiVersion: v2\nname: top\nversion: 1.0.0\n' });
    mkdirSync(join(dir, 'charts'));
    writeFileSync(join(dir, 'charts', 'sub-0.2.0.tgz'), inner);
    const chart = loadChartDirectory(dir);
    expect(chart.dependencies.map((d) => d.metadata.name)).toEqual(['sub']);
  });

  it('honours .helmignore when loading a directory', () => {
    const dir = join(root, 'ignored');
    write(dir, {
      'Chart.yaml': 'apiVersion: v2\nname: ign\nversion: 1.0.0\n',
      '.helmignore': '*.bak\nsecret/\n',
      'templates/a.yaml': 'a: 1',
      'templates/a.yaml.bak': 'old',
      'templates/.hidden.yaml': 'never',
      'secret/key': 'x',
      'README.md': 'readme',
    });
    const chart = loadChartDirectory(dir);
    expect(chart.templates.map((t) => t.name)).toEqual(['templates/a.yaml']);
    expect(chart.files.map((f) => f.name)).toEqual(['.helmignore', 'README.md']);
  });

  it('names the chart and the file in its errors', () => {
    expect(() => loadChart(Buffer.from('not gzip'))).toThrow(/cannot load chart archive: not a gzipped tar archive/);
    expect(() => loadChartFiles({ 'values.yaml': 'a: 1' })).toThrow('validation: Chart.yaml file is missing');
    expect(() => loadChartFiles({ 'Chart.yaml': 'apiVersion: v2\nversion: 1.0.0\n' })).toThrow('validation: chart.metadata.name is required');
    expect(() => loadChartFiles({ 'Chart.yaml': 'apiVersion: v2\nname: x\nversion: one\n' })).toThrow(
      'chart x: validation: chart.metadata.version "one" is invalid (Chart.yaml)',
    );
    expect(() => loadChartFiles({ 'Chart.yaml': 'apiVersion: v2\nname: x\nversion: 1.0.0\ntype: plugin\n' })).toThrow('must be application or library');
    expect(() => loadChartFiles({ 'Chart.yaml': 'apiVersion: v2\nname: x\nversion: 1.0.0\n', 'values.yaml': 'a: [' })).toThrow(
      /^chart x: cannot load values\.yaml: /,
    );
    expect(() =>
      loadChartFiles({ 'Chart.yaml': 'apiVersion: v2\nname: x\nversion: 1.0.0\n', 'charts/bad/values.yaml': 'a: 1' }),
    ).toThrow('error unpacking subchart bad in x: validation: Chart.yaml file is missing');
    expect(() => loadChartFiles({ 'Chart.yaml': 'apiVersion: v2\nname: x\nversion: 1.0.0\n', 'values.yaml': '- a' })).toThrow(HelmError);
  });

  it('refuses archive entries outside the chart directory', () => {
    const src = join(root, 'evil');
    write(src, { 'app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n', 'x.yaml': 'a: 1' });
    const out = join(root, 'evil.tgz');
    // -P keeps the `..` that GNU tar would strip
    execFileSync('tar', ['-czPf', out, '-C', src, 'app/Chart.yaml', 'app/../x.yaml']);
    expect(() => loadChart(readFileSync(out))).toThrow('chart illegally contains content outside the base directory');
  });

  it('reads requirements.yaml dependencies of an apiVersion v1 chart', () => {
    const chart = loadChartFiles({
      'Chart.yaml': 'name: old\nversion: 0.1.0\n',
      'requirements.yaml': 'dependencies:\n  - name: sub\n    version: 0.2.0\n    condition: sub.enabled\n',
    });
    expect(chart.metadata.apiVersion).toBe('v1');
    expect(chart.metadata.dependencies).toEqual([{ name: 'sub', version: '0.2.0', condition: 'sub.enabled' }]);
  });
});

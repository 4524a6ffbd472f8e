import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { podinfoLikeChart, tempDir } from '@ferry/testing';
import { packageChartDirectory, type PackageChartRequest } from './helm-chart.packager';
import { readTarGz } from './tarball';

describe('packageChartDirectory', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  function layout(root: string, files: Record<string, string | Buffer>): string {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return root;
  }

  const request = (root: string, chart: string, extra: Partial<PackageChartRequest> = {}): PackageChartRequest => ({
    chartDir: join(root, chart),
    sourceRoot: root,
    valuesRoot: root,
    valuesFiles: [],
    ignoreMissingValuesFiles: false,
    versionMetadata: undefined,
    where: 'HelmChart ns/app',
    ...extra,
  });

  it('packages below <name>/ honouring .helmignore, reproducibly, with file:// dependencies in charts/', () => {
    const root = layout(join(dir.path, 'ok'), {
      ...Object.fromEntries(Object.entries(podinfoLikeChart('6.0.0')).map(([p, c]) => [`charts/app/${p}`, c])),
      'charts/app/Chart.yaml': 'apiVersion: v2\nname: podinfo\nversion: 6.0.0\ndependencies:\n  - name: common\n    version: 0.1.0\n    repository: file://../common\n',
      'charts/app/notes.swp': 'ignored',
      'charts/common/Chart.yaml': 'apiVersion: v2\nname: common\nversion: 0.1.0\n',
      'charts/common/templates/_x.tpl': '{{- define "x" }}{{ end }}\n',
      'env/prod.yaml': 'replicaCount: 5\n',
    });
    const first = packageChartDirectory(request(root, 'charts/app', { valuesFiles: ['charts/app/values.yaml', 'env/prod.yaml'], versionMetadata: 'abc' }));
    const again = packageChartDirectory(request(root, 'charts/app', { valuesFiles: ['charts/app/values.yaml', 'env/prod.yaml'], versionMetadata: 'abc' }));
    expect(first.archive.equals(again.archive)).toBe(true);
    expect(first).toMatchObject({ name: 'podinfo', version: '6.0.0+abc', valuesFiles: ['charts/app/values.yaml', 'env/prod.yaml'] });
    const entries = new Map(readTarGz(first.archive).map((e) => [e.path, e.data.toString()]));
    expect([...entries.keys()].sort()).toEqual([
      'podinfo/.helmignore',
      'podinfo/Chart.yaml',
      'podinfo/charts/common/Chart.yaml',
      'podinfo/charts/common/templates/_x.tpl',
      'podinfo/templates/_helpers.tpl',
      'podinfo/templates/deployment.yaml',
      'podinfo/templates/service.yaml',
      'podinfo/values.yaml',
    ]);
    expect(parse(entries.get('podinfo/values.yaml') ?? '')).toMatchObject({ replicaCount: 5, service: { httpPort: 9898 } });
    expect(parse(entries.get('podinfo/Chart.yaml') ?? '')).toMatchObject({ version: '6.0.0+abc' });
  });

  it('refuses a missing Chart.yaml, a dependency outside the source or not vendored, and a values file outside the source', () => {
    const root = layout(join(dir.path, 'bad'), {
      'empty/README.md': 'no chart\n',
      'escape/Chart.yaml': 'name: a\nversion: 1.0.0\ndependencies:\n  - name: up\n    repository: file://../../outside\n',
      'remote/Chart.yaml': 'name: b\nversion: 1.0.0\ndependencies:\n  - name: redis\n    repository: https://charts.bitnami.com/bitnami\n',
      'plain/Chart.yaml': 'name: c\nversion: 1.0.0\n',
    });
    expect(() => packageChartDirectory(request(root, 'empty'))).toThrow("chart package error: no Chart.yaml in 'empty' for HelmChart ns/app");
    expect(() => packageChartDirectory(request(join(root, 'plain'), '../escape'))).toThrow("chart package error: no Chart.yaml in '../escape' for HelmChart ns/app");
    expect(() => packageChartDirectory(request(root, 'escape'))).toThrow("dependency build error: no chart found at 'file://../../outside' for dependency 'up' of HelmChart ns/app");
    expect(() => packageChartDirectory(request(root, 'remote'))).toThrow(/dependency 'redis' from 'https:\/\/charts\.bitnami\.com\/bitnami' .* is neither in charts\/ nor a file:\/\/ chart/);
    expect(() => packageChartDirectory(request(root, 'plain', { valuesFiles: ['../../etc/passwd'] }))).toThrow("values files merge error: no values file found at path '../../etc/passwd' for HelmChart ns/app");
    expect(packageChartDirectory(request(root, 'plain', { valuesFiles: ['missing.yaml'], ignoreMissingValuesFiles: true })).valuesFiles).toEqual([]);
  });
});

import type { HelmChart } from '@ferry/contracts';
import { mergeValues, parseChartMetadata, parseValues, versionMetadata, withChartVersion, withVersionMetadata } from './helm-chart';

const chart = (spec: Partial<HelmChart['spec']>, generation = 3): HelmChart => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'HelmChart',
  metadata: { name: 'app', namespace: 'ns', generation },
  spec: {
    chart: 'podinfo',
    version: '*',
    sourceRef: { kind: 'GitRepository', name: 'repo' },
    interval: '10m',
    reconcileStrategy: 'ChartVersion',
    ignoreMissingValuesFiles: false,
    suspend: false,
    ...spec,
  },
});

describe('Helm chart helpers', () => {
  it('merges values as Helm does: mappings key by key, lists and scalars replaced', () => {
    const base = { image: { repository: 'a', tag: '1' }, ports: [80, 443], debug: false };
    expect(mergeValues(base, { image: { tag: '2' }, ports: [8080], debug: { level: 1 } })).toEqual({ image: { repository: 'a', tag: '2' }, ports: [8080], debug: { level: 1 } });
    expect(base.image.tag).toBe('1');
  });

  it('reads Chart.yaml and refuses one without a name or a semver version', () => {
    expect(parseChartMetadata('name: app\nversion: 1.2.3\ndependencies:\n  - name: common\n    repository: file://../common\n', 'x')).toEqual({
      name: 'app',
      version: '1.2.3',
      dependencies: [{ name: 'common', repository: 'file://../common' }],
    });
    expect(() => parseChartMetadata('version: 1.0.0\n', "'charts/app/Chart.yaml' of HelmChart ns/app")).toThrow(
      "chart package error: invalid Chart.yaml in 'charts/app/Chart.yaml' of HelmChart ns/app: name is required",
    );
    expect(() => parseChartMetadata('name: app\nversion: latest\n', 'x')).toThrow("version 'latest' is not a valid semver");
    expect(() => parseValues('- a\n- b\n', "values file 'v.yaml'")).toThrow("values files merge error: values file 'v.yaml' is not a YAML mapping");
  });

  it('adds Flux version metadata: the commit with Revision, the generation with valuesFiles', () => {
    const commit = 'main@sha1:0123456789abcdef0123456789abcdef01234567';
    expect(versionMetadata(chart({ reconcileStrategy: 'Revision' }), commit)).toBe('0123456789ab');
    expect(versionMetadata(chart({ reconcileStrategy: 'Revision', valuesFiles: ['a.yaml'] }), commit)).toBe('0123456789ab.3');
    expect(versionMetadata(chart({ valuesFiles: ['a.yaml'], sourceRef: { kind: 'HelmRepository', name: 'r' } }), undefined)).toBe('3');
    expect(versionMetadata(chart({}), commit)).toBeUndefined();
    expect(withVersionMetadata('1.0.0+old', 'abc')).toBe('1.0.0+abc');
    expect(withChartVersion('# the chart\nname: app\nversion: 1.0.0 # bumped by CI\n', '1.0.0+abc')).toBe('# the chart\nname: app\nversion: 1.0.0+abc # bumped by CI\n');
  });
});

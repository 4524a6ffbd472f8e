import { chartDownloadUrl, parseHelmIndex, resolveChartVersion } from './helm-index';

const INDEX = `apiVersion: v1
entries:
  podinfo:
    - name: podinfo
      version: 6.1.0
      appVersion: 6.1.0
      urls: [podinfo-6.1.0.tgz]
      digest: ${'a'.repeat(64)}
    - name: podinfo
      version: 6.0.3
      urls: [podinfo-6.0.3.tgz]
    - name: podinfo
      version: 7.0.0-rc.1
      urls: [podinfo-7.0.0-rc.1.tgz]
    - name: podinfo
      version: not-semver
      urls: [broken.tgz]
    - name: podinfo
      version: 5.2.1
      urls: [https://charts.example.com/podinfo-5.2.1.tgz]
generated: "2026-01-01T00:00:00Z"
`;

describe('Helm repository index', () => {
  const index = parseHelmIndex(INDEX, 'HelmRepository ns/charts');

  it('keeps the entries with a semver and their digest', () => {
    expect(index.entries['podinfo']?.map((e) => e.version)).toEqual(['6.1.0', '6.0.3', '7.0.0-rc.1', '5.2.1']);
    expect(index.entries['podinfo']?.[0]).toEqual({ name: 'podinfo', version: '6.1.0', appVersion: '6.1.0', urls: ['podinfo-6.1.0.tgz'], digest: 'a'.repeat(64) });
  });

  it.each([
    ['*', '6.1.0'],
    ['', '6.1.0'],
    ['6.0.x', '6.0.3'],
    ['~6.0.0', '6.0.3'],
    ['>=5.0.0 <6.0.0', '5.2.1'],
    ['5.2.1', '5.2.1'],
    ['7.0.0-rc.1', '7.0.0-rc.1'],
    ['>=7.0.0-rc.0', '7.0.0-rc.1'],
  ])('resolves version %p to %s (latest stable for *)', (range, expected) => {
    expect(resolveChartVersion(index, 'podinfo', range).version).toBe(expected);
  });

  it('names the chart and the range that did not resolve', () => {
    expect(() => resolveChartVersion(index, 'nginx', '*')).toThrow("chart reference error: no chart name found: 'nginx' is not in the repository index");
    expect(() => resolveChartVersion(index, 'podinfo', '>=9')).toThrow("no 'podinfo' chart with version matching '>=9' found");
    expect(() => resolveChartVersion(index, 'podinfo', 'one.two')).toThrow(expect.objectContaining({ reason: 'InvalidSemVer', retryable: false }));
  });

  it.each([
    ['<html>hello</html>', /not a Helm index/],
    ['apiVersion: v1\nentries: [a, b]\n', /'entries' must be a mapping/],
    ['entries: {}\n', /no API version/],
    ['apiVersion: v1\nentries:\n  app:\n    - version: 1.0.0\n', /entries\.app\[0\]: no urls/],
    ['apiVersion: v1\nentries: {\n', /not YAML/],
  ])('refuses %p naming the object', (text, message) => {
    expect(() => parseHelmIndex(text, 'HelmRepository ns/charts')).toThrow(message);
    expect(() => parseHelmIndex(text, 'HelmRepository ns/charts')).toThrow(/failed to load Helm repository from index YAML of HelmRepository ns\/charts/);
  });

  it('resolves chart URLs against the repository URL as a directory, and keeps absolute ones', () => {
    expect(chartDownloadUrl('https://charts.example.com/stable', 'podinfo-1.0.0.tgz')).toBe('https://charts.example.com/stable/podinfo-1.0.0.tgz');
    expect(chartDownloadUrl('https://charts.example.com/stable/', 'sub/podinfo-1.0.0.tgz')).toBe('https://charts.example.com/stable/sub/podinfo-1.0.0.tgz');
    expect(chartDownloadUrl('https://charts.example.com', 'https://cdn.example.com/p.tgz')).toBe('https://cdn.example.com/p.tgz');
  });
});

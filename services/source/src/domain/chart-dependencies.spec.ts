import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import {
  dependencyRepository,
  formatChartLock,
  hashRequirements,
  lockedRequirements,
  parseChartLock,
  parseDependencyRequirements,
  satisfiesRequirement,
} from './chart-dependencies';

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

describe('chart dependencies', () => {
  it("hashes requirements and lock as Helm's HashReq: the digest of a Chart.lock written by helm 3", () => {
    // devpro/helm-charts charts/podinfo: Chart.yaml and the Chart.lock `helm dependency update` wrote for it.
    const requirements = parseDependencyRequirements([{ name: 'podinfo', version: '6.4.1', repository: 'https://stefanprodan.github.io/podinfo' }], 'Chart.yaml');
    const lock = parseChartLock(
      'dependencies:\n- name: podinfo\n  repository: https://stefanprodan.github.io/podinfo\n  version: 6.4.1\ndigest: sha256:46b2ac4138ca6e33049a9310de51d0fef372031dabc892fc01dab7ce92022db4\ngenerated: "2023-09-13T11:15:47.918467272+02:00"\n',
      'Chart.lock',
    );
    expect(hashRequirements(requirements, lock.dependencies)).toBe('sha256:46b2ac4138ca6e33049a9310de51d0fef372031dabc892fc01dab7ce92022db4');
    expect(lockedRequirements(requirements, lock)).toEqual([{ name: 'podinfo', version: '6.4.1', repository: 'https://stefanprodan.github.io/podinfo' }]);
  });

  it("marshals every field as Go's encoding/json: struct order, empty fields omitted, map keys sorted, HTML characters escaped", () => {
    const requirements = parseDependencyRequirements(
      [
        { alias: 'cache', tags: ['db'], condition: 'redis.enabled', repository: 'https://x.test/?a=1&b=<2>', version: '17.x.x', name: 'redis', 'import-values': [{ parent: 'p', child: 'c' }, 'data'], enabled: true },
        { name: 'local', repository: '', tags: [], condition: '' },
      ],
      'Chart.yaml',
    );
    const go =
      '[[{"name":"redis","version":"17.x.x","repository":"https://x.test/?a=1\\u0026b=\\u003c2\\u003e","condition":"redis.enabled","tags":["db"],"enabled":true,"import-values":[{"child":"c","parent":"p"},"data"],"alias":"cache"},' +
      '{"name":"local","repository":""}],[]]';
    expect(hashRequirements(requirements, [])).toBe(sha256(go));
  });

  it('ignores a lock whose digest does not match the requirements (Chart.yaml changed since)', () => {
    const requirements = parseDependencyRequirements([{ name: 'redis', version: '^2.0.0', repository: '@charts' }], 'Chart.yaml');
    const locked = [{ name: 'redis', version: '1.2.0', repository: '@charts' }];
    const stale = { generated: '', digest: hashRequirements(parseDependencyRequirements([{ name: 'redis', version: '^1.0.0', repository: '@charts' }], 'x'), locked), dependencies: locked };
    expect(lockedRequirements(requirements, stale)).toBeUndefined();
    expect(lockedRequirements(requirements, undefined)).toBeUndefined();
  });

  it('writes Chart.lock as Helm does and reads it back', () => {
    const requirements = parseDependencyRequirements(
      [
        { name: 'redis', version: '^1.0.0', repository: 'https://charts.test/stable' },
        { name: 'common', version: '0.x', repository: '@charts', alias: 'lib' },
      ],
      'Chart.yaml',
    );
    const locked = [
      { name: 'redis', version: '1.2.0', repository: 'https://charts.test/stable' },
      { name: 'common', version: '0.2.0', repository: '@charts' },
    ];
    const text = formatChartLock(requirements, locked, new Date('2026-01-01T10:00:00.500Z'));
    expect(text).toMatch(/^dependencies:\n- name: redis\n {2}repository: https:\/\/charts\.test\/stable\n {2}version: 1\.2\.0\n- name: common\n/);
    expect(text).toContain('generated: "2026-01-01T10:00:00.5Z"\n');
    expect(parse(text)).toEqual({ dependencies: locked.map((d) => ({ name: d.name, repository: d.repository, version: d.version })), digest: hashRequirements(requirements, locked), generated: '2026-01-01T10:00:00.5Z' });
    expect(lockedRequirements(requirements, parseChartLock(text, 'Chart.lock'))).toEqual(locked);
    expect(formatChartLock([], [], new Date('2026-01-01T10:00:00Z'))).toContain('generated: "2026-01-01T10:00:00Z"');
  });

  it('classifies repositories: file://, @name, alias:name, URLs and none', () => {
    expect(dependencyRepository('file://../common')).toEqual({ kind: 'file', path: '../common' });
    expect(dependencyRepository('@charts')).toEqual({ kind: 'named', name: 'charts' });
    expect(dependencyRepository('alias:charts')).toEqual({ kind: 'named', name: 'charts' });
    expect(dependencyRepository('https://charts.test')).toEqual({ kind: 'url', url: 'https://charts.test' });
    expect(dependencyRepository('')).toEqual({ kind: 'none' });
  });

  it('refuses malformed dependencies and locks, naming the file and the field', () => {
    expect(() => parseDependencyRequirements({ name: 'x' }, 'Chart.yaml of HelmChart ns/app')).toThrow('invalid dependencies in Chart.yaml of HelmChart ns/app: dependencies must be a list');
    expect(() => parseDependencyRequirements([{ version: '1.0.0' }], 'Chart.yaml')).toThrow('dependencies[0].name is required');
    expect(() => parseDependencyRequirements([{ name: '../../etc' }], 'Chart.yaml')).toThrow("dependencies[0].name '../../etc' is not a chart name");
    expect(() => parseDependencyRequirements([{ name: '..' }], 'Chart.yaml')).toThrow("dependencies[0].name '..' is not a chart name");
    expect(() => parseDependencyRequirements([{ name: 'a', tags: 'db' }], 'Chart.yaml')).toThrow('dependencies[0].tags must be a list of strings');
    expect(() => parseDependencyRequirements([{ name: 'a', repository: 3 }], 'Chart.yaml')).toThrow('dependencies[0].repository must be a string');
    expect(() => parseChartLock('dependencies: []\n', 'Chart.lock of HelmChart ns/app')).toThrow('invalid Chart.lock of HelmChart ns/app: digest is required');
    expect(() => parseChartLock('digest: sha256:0\ndependencies:\n- name: a\n  repository: "@r"\n', 'Chart.lock')).toThrow('dependencies[0].version is required');
    expect(() => parseChartLock('digest: [', 'Chart.lock')).toThrow('invalid Chart.lock');
  });

  it("matches a vendored chart by name and range, as Flux's dependency manager", () => {
    expect(satisfiesRequirement({ name: 'redis', version: '1.2.0' }, { name: 'redis', version: '^1.0.0' })).toBe(true);
    expect(satisfiesRequirement({ name: 'redis', version: '2.0.0' }, { name: 'redis', version: '^1.0.0' })).toBe(false);
    expect(satisfiesRequirement({ name: 'redis', version: '1.2.0' }, { name: 'redis', version: '1.2.0' })).toBe(true);
    expect(satisfiesRequirement({ name: 'redis', version: '1.2.1' }, { name: 'redis', version: '1.2.0' })).toBe(false);
    expect(satisfiesRequirement({ name: 'redis', version: '9.9.9' }, { name: 'redis' })).toBe(true);
    expect(satisfiesRequirement({ name: 'valkey', version: '1.2.0' }, { name: 'redis', version: '*' })).toBe(false);
    expect(satisfiesRequirement({ name: 'redis', version: '1.2.0' }, { name: 'redis', version: 'not a range' })).toBe(false);
  });
});

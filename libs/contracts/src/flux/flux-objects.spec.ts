import { helmChartSchema, helmReleaseSchema, helmRepositorySchema } from './helm';
import { gitRepositorySchema } from './git-repository.v1';
import { kustomizationSchema } from './kustomization.v1';
import { formatDuration, parseDuration } from './meta';
import { alertSchema, receiverSchema } from './notification';
import { InvalidObjectError, parseFluxObject } from './parse';

describe('Flux objects', () => {
  it('GitRepository gets Flux defaults', () => {
    const repo = parseFluxObject(gitRepositorySchema, {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'podinfo', namespace: 'flux-system' },
      spec: { url: 'https://github.com/stefanprodan/podinfo', interval: '1m', ref: { branch: 'master' } },
    });
    expect(repo.spec.timeout).toBe('60s');
    expect(repo.spec.suspend).toBe(false);
    expect(repo.spec.ref?.branch).toBe('master');
  });

  it('a bad field is named with the object', () => {
    const bad = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'podinfo', namespace: 'flux-system' },
      spec: { url: 'ftp://example.com/repo', interval: 'soon' },
    };
    expect(() => parseFluxObject(gitRepositorySchema, bad)).toThrow(InvalidObjectError);
    expect(() => parseFluxObject(gitRepositorySchema, bad)).toThrow(
      /^GitRepository flux-system\/podinfo: spec\.url: url must start with .*; spec\.interval: must be a duration/,
    );
  });

  it('Kustomization requires prune and sourceRef, defaults force/wait/suspend', () => {
    const base = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system' },
      spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
    };
    const ks = parseFluxObject(kustomizationSchema, base);
    expect(ks.spec).toMatchObject({ force: false, wait: false, suspend: false });
    expect(() => parseFluxObject(kustomizationSchema, { ...base, spec: { interval: '1m' } })).toThrow(
      /spec\.prune.*spec\.sourceRef|spec\.sourceRef.*spec\.prune/,
    );
  });

  it('Alert defaults eventSeverity to info; Receiver interval to 10m', () => {
    const alert = parseFluxObject(alertSchema, {
      apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
      kind: 'Alert',
      metadata: { name: 'slack', namespace: 'flux-system' },
      spec: { providerRef: { name: 'slack' }, eventSources: [{ kind: 'Kustomization', name: '*' }] },
    });
    expect(alert.spec.eventSeverity).toBe('info');
    const receiver = parseFluxObject(receiverSchema, {
      apiVersion: 'notification.toolkit.fluxcd.io/v1',
      kind: 'Receiver',
      metadata: { name: 'gitlab', namespace: 'flux-system' },
      spec: { type: 'gitlab', resources: [{ kind: 'GitRepository', name: 'x' }], secretRef: { name: 'token' } },
    });
    expect(receiver.spec.interval).toBe('10m');
  });
});

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('rejects non-durations', () => expect(() => parseDuration('10 minutes')).toThrow(/invalid duration/));

  it.each([
    [730, '730ms'],
    [1830, '1.83s'],
    [30_000, '30s'],
    [90_000, '1m30s'],
    [7_200_000, '2h0m0s'],
  ])('formats %d ms as Go does: %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('Helm objects', () => {
  const release = (spec: Record<string, unknown>) => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'podinfo', namespace: 'apps' },
    spec: { interval: '5m', ...spec },
  });

  it('HelmRelease gets Flux defaults and keeps free-form values', () => {
    const hr = parseFluxObject(
      helmReleaseSchema,
      release({
        chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } },
        values: { replicaCount: 2, ingress: { hosts: [{ host: 'a' }] } },
        upgrade: { remediation: { retries: 3 } },
      }),
    );
    expect(hr.spec.maxHistory).toBe(5);
    expect(hr.spec.chart?.spec.version).toBe('*');
    expect(hr.spec.upgrade?.remediation?.strategy).toBe('rollback');
    expect(hr.spec.upgrade?.crds).toBe('Skip');
    expect(hr.spec.values).toEqual({ replicaCount: 2, ingress: { hosts: [{ host: 'a' }] } });
  });

  it('HelmRelease needs exactly one of chart and chartRef', () => {
    expect(() => parseFluxObject(helmReleaseSchema, release({}))).toThrow(
      'HelmRelease apps/podinfo: spec.chart: exactly one of spec.chart and spec.chartRef must be set',
    );
  });

  it('HelmRepository and HelmChart get Flux defaults', () => {
    const repo = parseFluxObject(helmRepositorySchema, {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: 'podinfo', namespace: 'apps' },
      spec: { url: 'https://stefanprodan.github.io/podinfo', interval: '10m' },
    });
    expect(repo.spec.type).toBe('default');
    expect(repo.spec.timeout).toBe('60s');
    const chart = parseFluxObject(helmChartSchema, {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmChart',
      metadata: { name: 'apps-podinfo', namespace: 'apps' },
      spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' }, interval: '10m' },
    });
    expect(chart.spec.version).toBe('*');
    expect(chart.spec.reconcileStrategy).toBe('ChartVersion');
  });
});

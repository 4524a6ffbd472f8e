import { loadSourceConfig } from './config';

describe('loadSourceConfig', () => {
  it('applies defaults', () => {
    expect(loadSourceConfig({})).toMatchObject({
      artifacts: { root: '.ferry/artifacts', baseUrl: undefined, retention: 2, maxFiles: 100_000 },
      git: { mirrorRoot: '.ferry/git-mirrors' },
      concurrency: 2,
      retry: { minDelayMs: 750, maxDelayMs: 900_000 },
      platform: { service: 'source', http: { port: 9790 } },
    });
  });

  it('reads the artifact settings', () => {
    const config = loadSourceConfig({ ARTIFACT_ROOT: '/data', ARTIFACT_BASE_URL: 'http://source.flux-system.svc', ARTIFACT_RETENTION: '5', SOURCE_CONCURRENCY: '4', MIN_RETRY_DELAY: '5ms', MAX_RETRY_DELAY: '1000s' });
    expect(config.retry).toEqual({ minDelayMs: 5, maxDelayMs: 1_000_000 });
    expect(config.artifacts).toMatchObject({ root: '/data', baseUrl: 'http://source.flux-system.svc', retention: 5 });
    expect(config.concurrency).toBe(4);
  });

  it('fails fast naming each bad variable', () => {
    expect(() => loadSourceConfig({ ARTIFACT_BASE_URL: 'ftp://x', ARTIFACT_RETENTION: '0', MIN_RETRY_DELAY: 'soon' })).toThrow(
      /source: invalid configuration: ARTIFACT_BASE_URL: .*; ARTIFACT_RETENTION: .*; MIN_RETRY_DELAY: must be a positive duration/,
    );
  });
});

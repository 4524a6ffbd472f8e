import { Logger, redactUrls } from './logger';

describe('Logger', () => {
  const capture = () => {
    const lines: Array<Record<string, unknown>> = [];
    return { lines, write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
  };

  it('writes Flux-shaped JSON lines with child fields', () => {
    const { lines, write } = capture();
    const log = new Logger('source', {}, 'info', write).child({ controllerKind: 'GitRepository', name: 'podinfo' });
    log.info('Reconciliation finished in 730ms, next run in 30s', { revision: 'main@sha1:abc' });
    expect(lines).toEqual([
      {
        level: 'info',
        ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        logger: 'source',
        msg: 'Reconciliation finished in 730ms, next run in 30s',
        controllerKind: 'GitRepository',
        name: 'podinfo',
        revision: 'main@sha1:abc',
      },
    ]);
  });

  it('drops lines below the minimum level', () => {
    const { lines, write } = capture();
    const log = new Logger('x', {}, 'info', write);
    log.debug('noise');
    log.error('signal');
    expect(lines.map((l) => l['msg'])).toEqual(['signal']);
  });

  it('never logs credentials: URL userinfo and secret-named fields are redacted', () => {
    const { lines, write } = capture();
    new Logger('x', {}, 'info', write).error('clone https://bot:glpat-123@gitlab.com/a/b.git failed', {
      url: 'https://user:hunter2@example.com/repo',
      token: 'glpat-123',
      nested: { password: 'p', host: 'h' },
    });
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/glpat-123|hunter2/);
    expect(lines[0]).toMatchObject({
      msg: 'clone https://gitlab.com/a/b.git failed',
      url: 'https://example.com/repo',
      token: '[redacted]',
      nested: { password: '[redacted]', host: 'h' },
    });
    expect(redactUrls('ssh://git@github.com/x')).toBe('ssh://github.com/x');
  });
});

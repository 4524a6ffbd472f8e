import { ConfigError, parsePlatformConfig } from './platform-config';

describe('parsePlatformConfig', () => {
  it('gives the embedded defaults: SQLite under .ferry, local NATS, the service port', () => {
    expect(parsePlatformConfig('source', 9790, {})).toEqual({
      service: 'source',
      http: { host: '0.0.0.0', port: 9790 },
      natsUrl: 'nats://127.0.0.1:4222',
      databaseUrl: 'sqlite:.ferry/source.db',
      logLevel: 'info',
      events: { stream: 'FERRY_EVENTS', subjectPrefix: 'ferry.events', storage: 'file' },
    });
  });

  it('reads the environment', () => {
    const config = parsePlatformConfig('notifier', 9792, {
      HTTP_PORT: '8080',
      DATABASE_URL: 'postgres://ferry@db:5432/ferry',
      NATS_URL: 'nats://nats:4222',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      http: { port: 8080 },
      databaseUrl: 'postgres://ferry@db:5432/ferry',
      natsUrl: 'nats://nats:4222',
      logLevel: 'debug',
    });
  });

  it('fails fast naming every bad variable', () => {
    const parse = () =>
      parsePlatformConfig('reconciler', 9791, { HTTP_PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/^reconciler: invalid configuration: HTTP_PORT: .*DATABASE_URL: must be postgres:\/\/… or sqlite:<path>.*LOG_LEVEL/);
  });
});

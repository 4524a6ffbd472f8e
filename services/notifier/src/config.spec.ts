import { loadNotifierConfig } from './config';

describe('notifier config', () => {
  it('defaults to Flux behaviour: 5m rate limit, 3 tries', () => {
    expect(loadNotifierConfig({}).notifications).toEqual({ rateLimitMs: 300_000, attempts: 3, backoffMs: [200, 1000], resyncMs: 30_000, maxEventAgeMs: 3_600_000, concurrency: 64, publishAttempts: false });
  });

  it('reads the variables', () => {
    const config = loadNotifierConfig({ NOTIFIER_RATE_LIMIT_INTERVAL: '0', NOTIFIER_DELIVERY_ATTEMPTS: '2', NOTIFIER_DELIVERY_BACKOFF: '10ms, 20ms', NOTIFIER_CONCURRENCY: '16', NOTIFIER_PUBLISH_ATTEMPTS: 'true' });
    expect(config.notifications).toMatchObject({ rateLimitMs: 0, attempts: 2, backoffMs: [10, 20], concurrency: 16, publishAttempts: true });
  });

  it('fails fast naming each bad variable', () => {
    expect(() => loadNotifierConfig({ NOTIFIER_RATE_LIMIT_INTERVAL: 'soon', NOTIFIER_DELIVERY_ATTEMPTS: '0' })).toThrow(
      /NOTIFIER_RATE_LIMIT_INTERVAL: must be a duration.*NOTIFIER_DELIVERY_ATTEMPTS/,
    );
  });
});

import { EventRateLimiter } from './rate-limiter';
import type { FluxEvent } from './flux-event';

const event = (message: string, revision = 'main@sha1:1'): FluxEvent => ({
  involvedObject: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'ns', name: 'apps' },
  severity: 'error',
  timestamp: '2026-11-30T10:00:00Z',
  message,
  reason: 'BuildFailed',
  metadata: { revision },
  reportingController: 'kustomize-controller',
});

describe('rate limiting identical events', () => {
  it('Given an event was notified, When an identical one (other id) arrives within the window, Then it is dropped', () => {
    const limiter = new EventRateLimiter(60_000);
    expect(limiter.allow(event('boom'), 'a', 0)).toBe(true);
    expect(limiter.allow(event('boom'), 'b', 59_999)).toBe(false);
  });

  it('Given an event was notified, When an identical one arrives after the window, Then it is let through', () => {
    const limiter = new EventRateLimiter(60_000);
    limiter.allow(event('boom'), 'a', 0);
    expect(limiter.allow(event('boom'), 'b', 60_000)).toBe(true);
  });

  it('Given an event was notified, When it is redelivered (same id), Then it is let through', () => {
    const limiter = new EventRateLimiter(60_000);
    limiter.allow(event('boom'), 'a', 0);
    expect(limiter.allow(event('boom'), 'a', 10)).toBe(true);
  });

  it('Given an event was notified, When one with another message or revision arrives, Then it is let through', () => {
    const limiter = new EventRateLimiter(60_000);
    limiter.allow(event('boom'), 'a', 0);
    expect(limiter.allow(event('bang'), 'b', 1)).toBe(true);
    expect(limiter.allow(event('boom', 'main@sha1:2'), 'c', 2)).toBe(true);
  });

  it('Given a zero window, When identical events arrive, Then all pass', () => {
    const limiter = new EventRateLimiter(0);
    expect(limiter.allow(event('boom'), 'a', 0)).toBe(true);
    expect(limiter.allow(event('boom'), 'b', 0)).toBe(true);
  });
});

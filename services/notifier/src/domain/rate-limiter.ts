import type { FluxEvent } from './flux-event';

/** Flux's default `--rate-limit-interval`: identical events within it are sent once. */
export const DEFAULT_RATE_LIMIT_MS = 5 * 60_000;

/** What makes two events identical for rate limiting: object, reason, message and revision (as Flux keys them). */
export function rateLimitKey(event: FluxEvent): string {
  const { kind, namespace, name } = event.involvedObject;
  return [kind, namespace, name, event.reason, event.message, event.metadata?.['revision'] ?? ''].join('\u0000');
}

/**
 * Drops an event identical to one seen within the window. The same event id is always let through, so a
 * redelivered message (whose earlier attempt failed) is not mistaken for its own duplicate.
 */
export class EventRateLimiter {
  private readonly seen = new Map<string, { eventId: string; at: number }>();

  constructor(private readonly windowMs: number = DEFAULT_RATE_LIMIT_MS) {}

  /** Whether to notify this event now; records it when allowed. */
  allow(event: FluxEvent, eventId: string, now: number): boolean {
    if (this.windowMs <= 0) return true;
    const key = rateLimitKey(event);
    const last = this.seen.get(key);
    if (last && last.eventId !== eventId && now - last.at < this.windowMs) return false;
    this.seen.set(key, { eventId, at: now });
    if (this.seen.size > 10_000) this.evict(now);
    return true;
  }

  private evict(now: number): void {
    for (const [key, entry] of this.seen) if (now - entry.at >= this.windowMs) this.seen.delete(key);
  }
}

/**
 * Flux's retry policy for failed reconciles (fluxcd/pkg runtime/controller: client-go's per-item exponential
 * failure rate limiter, `--min-retry-delay` 750ms and `--max-retry-delay` 15m by default): the n-th failure in a
 * row of an object waits min × 2^(n-1), capped at max, instead of its interval; a success resets the count.
 */
export class FailureBackoff {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly minDelayMs: number,
    private readonly maxDelayMs: number,
  ) {}

  /** Records a failure of `key`; returns how long to wait before the retry. */
  failed(key: string): number {
    const count = this.failures.get(key) ?? 0;
    this.failures.set(key, count + 1);
    // Past 2^60 × min the cap applies anyway; stop doubling so the number stays finite.
    return Math.min(this.maxDelayMs, this.minDelayMs * 2 ** Math.min(count, 60));
  }

  /** The object reconciled (or was deleted): its next failure starts from the minimum again. */
  reset(key: string): void {
    this.failures.delete(key);
  }
}

/** What a reconcile asks of the queue when it ends: when to run again, if at all. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

/**
 * A work queue keyed by object: at most one reconcile per key at a time, `workers` keys in parallel,
 * repeated requests collapsed, and per-key timers for the next run (interval or retryInterval).
 */
export class ReconcileQueue {
  private readonly pending: string[] = [];
  private readonly queued = new Set<string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private active = 0;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly workers: number,
    private readonly run: (key: string) => Promise<ReconcileResult>,
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  /** Asks for a reconcile of `key` now (or after `delayMs`); a request for a key already waiting is merged. */
  enqueue(key: string, delayMs = 0): void {
    if (this.stopped) return;
    if (delayMs > 0) {
      clearTimeout(this.timers.get(key));
      this.timers.set(key, setTimeout(() => this.enqueue(key), delayMs).unref());
      return;
    }
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.pending.push(key);
    this.pump();
  }

  /** Forgets a key (its object was deleted). */
  forget(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  /** Resolves when nothing is running or waiting to run now. */
  idle(): Promise<void> {
    if (this.active === 0 && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking work and waits for the reconciles in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
    this.pending.length = 0;
    this.queued.clear();
    await this.idle();
  }

  private pump(): void {
    while (this.active < this.workers && this.pending.length > 0) {
      const key = this.pending.shift() as string;
      this.queued.delete(key);
      this.running.add(key);
      this.active++;
      void this.run(key)
        .then(
          (result) => {
            if (result.requeueAfterMs !== undefined && !this.again.has(key)) this.enqueue(key, result.requeueAfterMs);
          },
          (error: unknown) => this.onError(key, error),
        )
        .finally(() => {
          this.running.delete(key);
          this.active--;
          if (this.again.delete(key)) this.enqueue(key);
          this.pump();
          if (this.active === 0 && this.pending.length === 0) {
            this.idleWaiters.splice(0).forEach((resolve) => resolve());
          }
        });
    }
  }
}

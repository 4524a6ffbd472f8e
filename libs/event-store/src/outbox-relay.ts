import type { DataSource, EntityManager } from 'typeorm';
import type { RawEnvelope } from '@ferry/contracts';
import { readCheckpoint, writeCheckpoint } from './checkpoints';
import { SingleFlight } from './projection-runner';
import type { StoredEvent } from './event-store.port';
import { inTransaction, isPostgres } from './transactions';
import type { TypeOrmEventStore } from './typeorm-event-store';

/** Where the relay sends events. The publisher must make the event id the message id, so resends are deduplicated. */
export interface EventPublisher {
  publish(event: RawEnvelope): Promise<void>;
}

/** Injection token for the EventPublisher port. */
export const EVENT_PUBLISHER = Symbol('EventPublisher');

/** Options of the outbox relay. */
export interface OutboxRelayOptions {
  /** Checkpoint name; one per service database. */
  name?: string;
  batchSize?: number;
  /** Fallback poll for events appended by other processes. */
  pollMs?: number;
  /** Event types that stay in the store: the relay passes them without publishing (records nobody consumes
   * from the bus, such as the notifier's attempts, would cost a broker round trip each). */
  storeOnlyTypes?: readonly string[];
  onError?: (error: unknown) => void;
}

/**
 * Tails the event store and publishes new events. The checkpoint moves only after the broker acknowledged
 * the whole batch, so a crash resends (at least once) and the broker's dedupe on event id makes it once in effect.
 */
export class OutboxRelay {
  private readonly name: string;
  private readonly loop: SingleFlight;
  private stopFns: Array<() => void> = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: TypeOrmEventStore,
    private readonly publisher: EventPublisher,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.name = `outbox:${options.name ?? 'default'}`;
    this.loop = new SingleFlight(() => this.drain(), options.onError ?? (() => undefined));
  }

  /** Publishes everything not yet published; returns the number of events passed (store-only ones included). */
  async relayOnce(): Promise<number> {
    const batchSize = this.options.batchSize ?? 500;
    if (isPostgres(this.dataSource)) {
      // The checkpoint row stays locked while the batch is published: replicas relaying one database take turns.
      return inTransaction(this.dataSource, async (manager) => {
        const batch = await this.store.readAllIn(manager, await readCheckpoint(this.dataSource, manager, this.name), batchSize);
        await Promise.all(this.toPublish(batch).map((event) => this.publisher.publish(event)));
        await this.passed(manager, batch);
        return batch.length;
      });
    }
    // SQLite is one process's embedded database with one relay, and its transactions run one at a time: holding
    // one open during the broker round trips would stall every append for as long. So read in a short
    // transaction (in the queue, so never amid another one's uncommitted rows on the shared connection), publish
    // outside, then write the checkpoint in another short one; a batch with nothing to publish is passed in one.
    let pending: RawEnvelope[] = [];
    const batch = await inTransaction(this.dataSource, async (manager) => {
      const read = await this.store.readAllIn(manager, await readCheckpoint(this.dataSource, manager, this.name), batchSize);
      pending = this.toPublish(read);
      if (pending.length === 0) await this.passed(manager, read);
      return read;
    });
    if (pending.length > 0) {
      await Promise.all(pending.map((event) => this.publisher.publish(event)));
      await inTransaction(this.dataSource, (manager) => this.passed(manager, batch));
    }
    return batch.length;
  }

  /** Starts relaying on every append and every poll interval. */
  start(): void {
    if (this.stopFns.length > 0) return;
    const timer = setInterval(() => this.loop.trigger(), this.options.pollMs ?? 250);
    this.stopFns = [this.store.onAppended(() => this.loop.trigger()), () => clearInterval(timer)];
    this.loop.trigger();
  }

  /** Stops relaying and waits for the batch in flight. */
  async stop(): Promise<void> {
    this.stopFns.forEach((stop) => stop());
    this.stopFns = [];
    await this.loop.idle();
  }

  private toPublish(batch: StoredEvent[]): RawEnvelope[] {
    const storeOnly = this.options.storeOnlyTypes ?? [];
    return batch.filter((stored) => !storeOnly.includes(stored.event.type)).map((stored) => stored.event);
  }

  // Moves the checkpoint past the batch.
  private async passed(manager: EntityManager, batch: StoredEvent[]): Promise<void> {
    const last = batch.at(-1);
    if (last) await writeCheckpoint(this.dataSource, manager, this.name, last.position);
  }

  private async drain(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    while ((await this.relayOnce()) === batchSize) {
      // a full batch means there may be more
    }
  }
}

import type { DataSource, EntityManager } from 'typeorm';
import type { StoredEvent } from './event-store.port';
import { readCheckpoint, writeCheckpoint } from './checkpoints';
import { inTransaction } from './transactions';
import type { TypeOrmEventStore } from './typeorm-event-store';

/** A read model fed from the log. `apply` runs in the same transaction as the checkpoint, so replays are idempotent. */
export interface Projection {
  /** Unique name; also the checkpoint's name. */
  readonly name: string;
  /** Applies one event to the read model. */
  apply(stored: StoredEvent, manager: EntityManager): Promise<void>;
  /** Empties the read model, before a rebuild. */
  reset(manager: EntityManager): Promise<void>;
}

/** Feeds projections from the event store, one transaction per batch (read model + checkpoint together). */
export class ProjectionRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: TypeOrmEventStore,
    private readonly batchSize = 500,
  ) {}

  /** Applies every event after the projection's checkpoint; returns how many were applied. */
  async catchUp(projection: Projection): Promise<number> {
    let applied = 0;
    for (;;) {
      const count = await inTransaction(this.dataSource, async (manager) => {
        const checkpoint = await readCheckpoint(this.dataSource, manager, this.checkpointName(projection));
        const batch = await this.store.readAllIn(manager, checkpoint, this.batchSize);
        for (const stored of batch) await projection.apply(stored, manager);
        const last = batch.at(-1);
        if (last) await writeCheckpoint(this.dataSource, manager, this.checkpointName(projection), last.position);
        return batch.length;
      });
      applied += count;
      if (count < this.batchSize) return applied;
    }
  }

  /** Empties the read model and replays the whole log into it. */
  async rebuild(projection: Projection): Promise<number> {
    await inTransaction(this.dataSource, async (manager) => {
      await readCheckpoint(this.dataSource, manager, this.checkpointName(projection));
      await projection.reset(manager);
      await writeCheckpoint(this.dataSource, manager, this.checkpointName(projection), 0);
    });
    return this.catchUp(projection);
  }

  /** Keeps a projection up to date: catches up on every append through this store and every `pollMs`. */
  follow(projection: Projection, pollMs = 500, onError: (error: unknown) => void = () => undefined): () => void {
    const loop = new SingleFlight(() => this.catchUp(projection).then(() => undefined), onError);
    const unsubscribe = this.store.onAppended(() => loop.trigger());
    const timer = setInterval(() => loop.trigger(), pollMs);
    loop.trigger();
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
  }

  private checkpointName(projection: Projection): string {
    return `projection:${projection.name}`;
  }
}

/** Runs a task at most once at a time; a trigger during a run schedules exactly one more run. */
export class SingleFlight {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts the task, or queues one more run if it is running. */
  trigger(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.task()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.trigger();
        }
      });
  }

  /** Resolves when no run is in progress. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}

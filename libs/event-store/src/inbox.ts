import type { DataSource, EntityManager } from 'typeorm';
import { inTransaction, placeholder } from './transactions';

/**
 * Makes a consumer's effects happen once per event id: the inbox row and whatever the handler writes
 * commit together, so a redelivered message (crash before ack, relay resend) is recognised and skipped.
 */
export class Inbox {
  constructor(
    private readonly dataSource: DataSource,
    private readonly consumer: string,
  ) {}

  /** Runs `handler` in a transaction unless this event id was processed before; returns whether it ran. */
  processOnce(eventId: string, handler: (manager: EntityManager) => Promise<void>): Promise<boolean> {
    const p = placeholder(this.dataSource);
    return inTransaction(this.dataSource, async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO inbox (consumer, event_id, processed_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})
         ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id`,
        [this.consumer, eventId, new Date().toISOString()],
      );
      if (inserted.length === 0) return false;
      await handler(manager);
      return true;
    });
  }

  /** Whether this consumer already processed the event. */
  async seen(eventId: string): Promise<boolean> {
    const p = placeholder(this.dataSource);
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM inbox WHERE consumer = ${p(1)} AND event_id = ${p(2)}`,
      [this.consumer, eventId],
    );
    return rows.length > 0;
  }
}

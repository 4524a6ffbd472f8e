import type { DataSource } from 'typeorm';
import { placeholder } from './transactions';

/** A message a consumer gave up on, as stored. Same shape as messaging's DeadLetter, without importing it. */
export interface DeadLetterRecord {
  consumer: string;
  subject: string;
  streamSequence: number;
  eventId: string | undefined;
  reason: string;
  error: string;
  payload: string;
}

/** Keeps poison messages (invalid, or failing every delivery) so nothing is lost silently. */
export class DeadLetterStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a dead letter; recording the same message twice keeps the first. */
  async record(letter: DeadLetterRecord): Promise<void> {
    const p = placeholder(this.dataSource);
    await this.dataSource.query(
      `INSERT INTO dead_letters (consumer, subject, stream_sequence, event_id, reason, error, payload, recorded_at)
       VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}) ON CONFLICT DO NOTHING`,
      [
        letter.consumer,
        letter.subject,
        letter.streamSequence,
        letter.eventId ?? null,
        letter.reason,
        letter.error,
        letter.payload,
        new Date().toISOString(),
      ],
    );
  }

  /** Every dead letter of a consumer, oldest first. */
  async list(consumer: string): Promise<DeadLetterRecord[]> {
    const p = placeholder(this.dataSource);
    const rows: Array<Record<string, string | number | null>> = await this.dataSource.query(
      `SELECT consumer, subject, stream_sequence, event_id, reason, error, payload FROM dead_letters
       WHERE consumer = ${p(1)} ORDER BY stream_sequence`,
      [consumer],
    );
    return rows.map((row) => ({
      consumer: String(row['consumer']),
      subject: String(row['subject']),
      streamSequence: Number(row['stream_sequence']),
      eventId: row['event_id'] === null ? undefined : String(row['event_id']),
      reason: String(row['reason']),
      error: String(row['error']),
      payload: String(row['payload']),
    }));
  }
}

import type { JetStreamClient } from 'nats';
import { subjectFor, type RawEnvelope } from '@ferry/contracts';

/** Publishes events to JetStream with the event id as message id, so the server drops resends. */
export class JetStreamPublisher {
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly js: JetStreamClient,
    private readonly subjectPrefix: string,
  ) {}

  /** Publishes and waits for the server's ack; resolves for duplicates too (already stored). */
  async publish(event: RawEnvelope): Promise<void> {
    await this.js.publish(subjectFor(event.type, event.schemaVersion, this.subjectPrefix), this.encoder.encode(JSON.stringify(event)), {
      msgID: event.id,
    });
  }
}

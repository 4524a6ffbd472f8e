import type { ConsumerMessages, JetStreamClient, JsMsg } from 'nats';
import { EventDecodeError, type EventCatalog, type RawEnvelope } from '@ferry/contracts';

/** Where a message came from, for handlers that log or record. */
export interface DeliveryContext {
  subject: string;
  streamSequence: number;
  /** 1 on first delivery. */
  deliveryCount: number;
}

/** A message that will never be processed: invalid, or failed on every allowed delivery. */
export interface DeadLetter {
  consumer: string;
  subject: string;
  streamSequence: number;
  eventId: string | undefined;
  reason: 'invalid' | 'max-deliveries';
  error: string;
  payload: string;
}

/** Options of an EventConsumer. */
export interface EventConsumerOptions {
  stream: string;
  durable: string;
  catalog: EventCatalog;
  handle: (event: RawEnvelope, context: DeliveryContext) => Promise<void>;
  /** Records a poison message before it is terminated; must not throw. */
  onDeadLetter: (deadLetter: DeadLetter) => Promise<void> | void;
  /** Delay before redelivery after the n-th failed delivery (last entry repeats). */
  backoffMs?: number[];
  /** Deliveries allowed; must match the durable consumer's max_deliver. */
  maxDeliver: number;
  /** Subjects this consumer handles; others are acked without decoding (a whole-stream consumer on NATS < 2.10). */
  accepts?: (subject: string) => boolean;
  /** Handlers running at once in this process. */
  concurrency?: number;
  onError?: (error: unknown, context: DeliveryContext) => void;
}

/** Pulls from a durable JetStream consumer: decode, handle, ack only after the handler resolved. */
export class EventConsumer {
  private messages: ConsumerMessages | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private pulling: Promise<void> | undefined;
  private stopped = false;
  private acks: JsMsg[] = [];
  private ackFlush: NodeJS.Immediate | undefined;
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly js: JetStreamClient,
    private readonly options: EventConsumerOptions,
  ) {}

  /** Starts pulling; returns once the subscription is set up. */
  async start(): Promise<void> {
    const consumer = await this.js.consumers.get(this.options.stream, this.options.durable);
    const concurrency = this.options.concurrency ?? 8;
    this.messages = await consumer.consume({ max_messages: Math.max(concurrency * 2, 16) });
    const messages = this.messages;
    this.pulling = (async () => {
      for await (const message of messages) {
        while (this.inFlight.size >= concurrency) await Promise.race(this.inFlight);
        // Stopped while waiting for a free slot: hand the message back instead of handling it during shutdown.
        if (this.stopped) {
          message.nak();
          continue;
        }
        const task = this.process(message).finally(() => this.inFlight.delete(task));
        this.inFlight.add(task);
      }
    })();
  }

  /** Stops pulling and waits for the handlers in flight (their messages are acked or nak'ed). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.messages?.stop();
    await this.pulling?.catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    this.flushAcks();
  }

  private async process(message: JsMsg): Promise<void> {
    if (this.options.accepts && !this.options.accepts(message.subject)) {
      this.ack(message);
      return;
    }
    const context: DeliveryContext = {
      subject: message.subject,
      streamSequence: message.seq,
      deliveryCount: message.info.redeliveryCount,
    };
    const payload = this.decoder.decode(message.data);
    let event: RawEnvelope;
    try {
      event = this.options.catalog.decode(JSON.parse(payload));
    } catch (error) {
      const eventId = error instanceof EventDecodeError ? error.eventId : undefined;
      await this.deadLetter(message, context, eventId, 'invalid', error, payload);
      return;
    }
    try {
      await this.options.handle(event, context);
      this.ack(message);
    } catch (error) {
      this.options.onError?.(error, context);
      if (context.deliveryCount >= this.options.maxDeliver) {
        await this.deadLetter(message, context, event.id, 'max-deliveries', error, payload);
        return;
      }
      const backoff = this.options.backoffMs ?? [1000, 5000, 30_000];
      message.nak(backoff[Math.min(context.deliveryCount - 1, backoff.length - 1)]);
    }
  }

  // Acks of handlers that finish in the same turn of the event loop leave in one socket write (one write per
  // message was the largest cost at 1,000 events/s). Not waiting for the server's confirmation is safe: a
  // lost ack means a redelivery, and handlers are idempotent on event id, as they must be for crashes anyway.
  private ack(message: JsMsg): void {
    this.acks.push(message);
    this.ackFlush ??= setImmediate(() => this.flushAcks());
  }

  private flushAcks(): void {
    if (this.ackFlush) clearImmediate(this.ackFlush);
    this.ackFlush = undefined;
    const acks = this.acks;
    this.acks = [];
    for (const message of acks) {
      try {
        message.ack();
      } catch {
        // A closed connection: the message comes back after the ack wait and is deduplicated by its handler.
      }
    }
  }

  private async deadLetter(
    message: JsMsg,
    context: DeliveryContext,
    eventId: string | undefined,
    reason: DeadLetter['reason'],
    error: unknown,
    payload: string,
  ): Promise<void> {
    const text = error instanceof Error ? error.message : String(error);
    await this.options.onDeadLetter({
      consumer: this.options.durable,
      subject: context.subject,
      streamSequence: context.streamSequence,
      eventId,
      reason,
      error: text,
      payload,
    });
    // No reason on TERM: servers before 2.10.4 do not read one and would redeliver; the record keeps it.
    message.term();
  }
}

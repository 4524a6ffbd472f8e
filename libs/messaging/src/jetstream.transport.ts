import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { NatsConnection } from 'nats';
import { gte, valid } from 'semver';
import { subjectFor, type EventCatalog, type RawEnvelope } from '@ferry/contracts';
import { EventConsumer, type DeadLetter, type DeliveryContext } from './event-consumer';
import { ensureDurableConsumer, ensureEventStream, type EventStreamConfig } from './event-stream';

/** Options of the JetStream transport. */
export interface JetStreamTransportOptions {
  connection: NatsConnection;
  stream: EventStreamConfig;
  /** Durable consumer name: the service's name. */
  durable: string;
  catalog: EventCatalog;
  onDeadLetter: (deadLetter: DeadLetter) => Promise<void> | void;
  ackWaitMs?: number;
  maxDeliver?: number;
  backoffMs?: number[];
  concurrency?: number;
}

/**
 * A NestJS transport over a durable JetStream pull consumer. Handlers are `@EventPattern('<EventType>')`
 * methods; they receive the decoded, upcast event and the delivery context. A handler that throws gets
 * the message redelivered with backoff; one that resolves gets it acked.
 */
export class JetStreamTransport extends Server implements CustomTransportStrategy {
  private consumer: EventConsumer | undefined;
  private takesWholeStream = false;

  constructor(private readonly options: JetStreamTransportOptions) {
    super();
  }

  async listen(callback: (...optionalParams: unknown[]) => unknown): Promise<void> {
    try {
      // A service without @EventPattern handlers consumes nothing.
      if (this.messageHandlers.size === 0) {
        callback();
        return;
      }
      const { connection, stream, catalog } = this.options;
      const jsm = await connection.jetstreamManager();
      await ensureEventStream(jsm, stream);
      const maxDeliver = this.options.maxDeliver ?? 10;
      const filterSubjects = [...this.messageHandlers.keys()].map((type) => {
        const version = catalog.latestVersion(type);
        if (version === undefined) throw new Error(`@EventPattern('${type}') names no known event type`);
        return subjectFor(type, version, stream.subjectPrefix);
      });
      // Several filter subjects need NATS ≥ 2.10; older servers get the whole stream and the others are acked unread.
      this.takesWholeStream = filterSubjects.length > 1 && !supportsMultipleFilters(connection.info?.version);
      await ensureDurableConsumer(jsm, stream.stream, {
        durable: this.options.durable,
        filterSubjects: this.takesWholeStream ? [] : filterSubjects,
        ackWaitMs: this.options.ackWaitMs ?? 30_000,
        maxDeliver,
      });
      this.consumer = new EventConsumer(connection.jetstream(), {
        stream: stream.stream,
        durable: this.options.durable,
        catalog,
        maxDeliver,
        ...(this.options.backoffMs ? { backoffMs: this.options.backoffMs } : {}),
        ...(this.options.concurrency ? { concurrency: this.options.concurrency } : {}),
        ...(this.takesWholeStream ? { accepts: (subject: string) => filterSubjects.includes(subject) } : {}),
        onDeadLetter: this.options.onDeadLetter,
        handle: (event, context) => this.dispatch(event, context),
        onError: (error, context) =>
          this.logger.error(
            `handler failed for ${context.subject} #${context.streamSequence} (delivery ${context.deliveryCount}): ${String(error)}`,
          ),
      });
      await this.consumer.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await this.consumer?.stop();
  }

  on(): never {
    throw new Error('JetStreamTransport does not emit transport events');
  }

  unwrap<T>(): T {
    return this.options.connection as T;
  }

  private async dispatch(event: RawEnvelope, context: DeliveryContext): Promise<void> {
    // Event types are plain strings, so the type is the route; Nest's getHandlerByPattern first tries
    // JSON.parse on it and throws and catches once per message.
    const handler = this.messageHandlers.get(event.type);
    if (!handler && this.takesWholeStream) return;
    if (!handler) throw new Error(`no @EventPattern('${event.type}') handler`);
    await lastValueFrom(this.transformToObservable(await handler(event, context)), { defaultValue: undefined });
  }
}

/** Whether a NATS server of this version filters one consumer on several subjects (2.10 and later). */
export function supportsMultipleFilters(version: string | undefined): boolean {
  const parsed = valid(version ?? '');
  return parsed !== null && gte(parsed, '2.10.0');
}

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NatsConnection } from 'nats';
import { ferryEvents } from '@ferry/contracts';
import type { DeadLetterStore } from '@ferry/event-store';
import { JetStreamTransport } from '@ferry/messaging';
import type { Logger } from '@ferry/observability';
import { NestJsonLogger } from './nest-logger';
import type { PlatformConfig } from './platform-config';
import { DEAD_LETTERS, LOGGER, NATS_CONNECTION } from './tokens';

/** A running service: its HTTP address and a way to stop it. */
export interface RunningService {
  url: string;
  app: INestApplication;
  close(): Promise<void>;
}

/** How a service consumes its events. */
export interface RunServiceOptions {
  /** Handlers running at once (EventConsumer's default: 8). Services whose handlers mostly wait on I/O and
   * are idempotent per event, like the notifier, take more. */
  consumerConcurrency?: number;
}

/**
 * Starts a Ferry service: the Nest application (HTTP: health, readiness, metrics, the service's own routes)
 * and, when it has `@EventPattern` handlers, its durable JetStream consumer named after the service.
 */
export async function runService(rootModule: unknown, config: PlatformConfig, options: RunServiceOptions = {}): Promise<RunningService> {
  // rawBody: webhook receivers verify HMAC signatures over the exact bytes received.
  const app = await NestFactory.create(rootModule as never, { bufferLogs: true, rawBody: true });
  const logger = app.get<Logger>(LOGGER);
  app.useLogger(new NestJsonLogger(logger));
  const deadLetters = app.get<DeadLetterStore>(DEAD_LETTERS);
  app.connectMicroservice(
    {
      strategy: new JetStreamTransport({
        connection: app.get<NatsConnection>(NATS_CONNECTION),
        stream: { ...config.events, duplicateWindowMs: 120_000 },
        durable: config.service,
        catalog: ferryEvents,
        ...(options.consumerConcurrency ? { concurrency: options.consumerConcurrency } : {}),
        onDeadLetter: async (letter) => {
          logger.error('dead letter: message terminated', {
            subject: letter.subject,
            eventId: letter.eventId,
            reason: letter.reason,
            error: letter.error,
          });
          await deadLetters.record(letter).catch((error: unknown) => logger.error('cannot record dead letter', { error }));
        },
      }),
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.listen(config.http.port, config.http.host);
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  logger.info(`${config.service} listening on ${url}`, { port: address.port });
  // Stop cleanly on SIGTERM/SIGINT: drain the consumer and the relay, close connections, exit 0.
  const shutdown = (signal: NodeJS.Signals) => {
    logger.info(`received ${signal}, shutting down`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return { url, app, close: () => app.close() };
}

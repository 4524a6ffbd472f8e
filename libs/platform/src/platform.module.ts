import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { ferryEvents } from '@ferry/contracts';
import {
  DeadLetterStore,
  EVENT_STORE,
  OutboxRelay,
  TypeOrmEventStore,
  openEventStoreDatabase,
  parseDatabaseUrl,
  type MigrationClass,
} from '@ferry/event-store';
import { JetStreamPublisher, connectNats, ensureEventStream } from '@ferry/messaging';
import { Logger, createMetrics, type FerryMetrics } from '@ferry/observability';
import { HealthController } from './health.controller';
import type { PlatformConfig } from './platform-config';
import { DATA_SOURCE, DEAD_LETTERS, LOGGER, METRICS, NATS_CONNECTION, OUTBOX_RELAY, PLATFORM_CONFIG } from './tokens';

/** Starts the outbox relay with the application and closes connections on shutdown. */
@Injectable()
class PlatformLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.nats.drain().catch(() => undefined);
    await this.dataSource.destroy();
  }
}

/**
 * What every Ferry service needs: config, JSON logger, metrics, the event store with its outbox relay to
 * JetStream, the NATS connection, dead-letter storage, and /healthz, /readyz, /metrics.
 */
@Module({})
export class PlatformModule {
  /**
   * The platform for one service, from its parsed config. Extra migrations create the service's read models;
   * `storeOnlyEventTypes` are appended to the store but not relayed to JetStream.
   */
  static forRoot(config: PlatformConfig, extraMigrations: MigrationClass[] = [], options: { storeOnlyEventTypes?: readonly string[] } = {}): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      controllers: [HealthController],
      providers: [
        { provide: PLATFORM_CONFIG, useValue: config },
        { provide: LOGGER, useValue: new Logger(config.service, {}, config.logLevel) },
        { provide: METRICS, useFactory: () => createMetrics(config.service) },
        {
          provide: DATA_SOURCE,
          useFactory: async (logger: Logger) => {
            const database = parseDatabaseUrl(config.databaseUrl);
            if (database.type === 'sqlite' && database.path !== ':memory:') {
              const { mkdirSync } = await import('node:fs');
              const { dirname } = await import('node:path');
              mkdirSync(dirname(database.path), { recursive: true });
            }
            const dataSource = await openEventStoreDatabase(database, extraMigrations);
            logger.info('event store ready', { database: database.type });
            return dataSource;
          },
          inject: [LOGGER],
        },
        {
          provide: NATS_CONNECTION,
          useFactory: async (logger: Logger) => {
            const connection = await connectNats(config.natsUrl, config.service);
            await ensureEventStream(await connection.jetstreamManager(), {
              ...config.events,
              duplicateWindowMs: 120_000,
            });
            logger.info('connected to NATS', { url: config.natsUrl, stream: config.events.stream });
            return connection;
          },
          inject: [LOGGER],
        },
        {
          provide: EVENT_STORE,
          useFactory: (dataSource: DataSource) => new TypeOrmEventStore(dataSource, ferryEvents),
          inject: [DATA_SOURCE],
        },
        { provide: DEAD_LETTERS, useFactory: (dataSource: DataSource) => new DeadLetterStore(dataSource), inject: [DATA_SOURCE] },
        {
          provide: OUTBOX_RELAY,
          useFactory: (dataSource: DataSource, store: TypeOrmEventStore, nats: NatsConnection, logger: Logger, metrics: FerryMetrics) => {
            const publisher = new JetStreamPublisher(nats.jetstream(), config.events.subjectPrefix);
            return new OutboxRelay(
              dataSource,
              store,
              {
                publish: async (event) => {
                  await publisher.publish(event);
                  metrics.eventsPublished.inc({ type: event.type });
                },
              },
              {
                name: config.service,
                ...(options.storeOnlyEventTypes ? { storeOnlyTypes: options.storeOnlyEventTypes } : {}),
                onError: (error) => logger.error('outbox relay failed', { error }),
              },
            );
          },
          inject: [DATA_SOURCE, EVENT_STORE, NATS_CONNECTION, LOGGER, METRICS],
        },
        PlatformLifecycle,
      ],
      exports: [PLATFORM_CONFIG, LOGGER, METRICS, DATA_SOURCE, NATS_CONNECTION, EVENT_STORE, DEAD_LETTERS, OUTBOX_RELAY],
    };
  }
}

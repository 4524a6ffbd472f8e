/** Injection tokens the platform module provides to services. */
export const PLATFORM_CONFIG = Symbol('PlatformConfig');
/** The service's root Logger. */
export const LOGGER = Symbol('Logger');
/** The service's FerryMetrics. */
export const METRICS = Symbol('FerryMetrics');
/** The TypeORM DataSource of the service's event store. */
export const DATA_SOURCE = Symbol('DataSource');
/** The NATS connection. */
export const NATS_CONNECTION = Symbol('NatsConnection');
/** The outbox relay publishing the store to JetStream. */
export const OUTBOX_RELAY = Symbol('OutboxRelay');
/** Where poison messages are kept. */
export const DEAD_LETTERS = Symbol('DeadLetterStore');

export * from './event-stream';
export * from './jetstream-publisher';
export * from './event-consumer';
export * from './jetstream.transport';
export * from './nats-connection';

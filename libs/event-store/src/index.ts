export * from './event-store.port';
export * from './data-source';
export * from './migrations';
export * from './typeorm-event-store';
export * from './checkpoints';
export * from './projection-runner';
export * from './outbox-relay';
export * from './inbox';
export { inTransaction, isPostgres, placeholder } from './transactions';

import type { DataSource, EntityManager } from 'typeorm';

const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

/** Whether the DataSource speaks PostgreSQL (else SQLite). */
export function isPostgres(dataSource: DataSource): boolean {
  return dataSource.options.type === 'postgres';
}

/**
 * Runs `work` in a transaction. SQLite has one connection and one writer, and TypeORM would interleave
 * concurrent async transactions on it, so they are queued per DataSource; PostgreSQL runs them in parallel.
 */
export function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (isPostgres(dataSource)) return dataSource.transaction(work);
  const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => dataSource.transaction(work));
  sqliteQueues.set(dataSource, next);
  return next;
}

/** Numbered placeholders: `$1, $2` for PostgreSQL, `?` for SQLite. */
export function placeholder(dataSource: DataSource): (index: number) => string {
  return isPostgres(dataSource) ? (index) => `$${index}` : () => '?';
}

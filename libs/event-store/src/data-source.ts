import { DataSource, type MigrationInterface } from 'typeorm';
import { eventStoreMigrations } from './migrations';

/** A TypeORM migration class. */
export type MigrationClass = new () => MigrationInterface;

/** Where the event store lives: a PostgreSQL URL (with an optional schema) or a SQLite file (`:memory:` allowed). */
export type EventStoreDatabase =
  | { type: 'postgres'; url: string; schema?: string; poolSize?: number }
  | { type: 'sqlite'; path: string };

/**
 * Parses `DATABASE_URL`-style configuration: `postgres://…` (optionally `?schema=name`) or `sqlite:<path>`.
 * The embedded default is a SQLite file.
 */
export function parseDatabaseUrl(url: string): EventStoreDatabase {
  if (url.startsWith('sqlite:')) return { type: 'sqlite', path: url.slice('sqlite:'.length) || ':memory:' };
  if (/^postgres(ql)?:\/\//.test(url)) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? undefined;
    parsed.searchParams.delete('schema');
    return { type: 'postgres', url: parsed.toString(), ...(schema ? { schema } : {}) };
  }
  throw new Error(`DATABASE_URL must start with postgres://, postgresql:// or sqlite: (got "${url.split(':')[0]}:…")`);
}

/**
 * Opens a TypeORM DataSource for the event store and runs its migrations. Extra migrations (a service's
 * own read models) run after the store's. A PostgreSQL schema is created if missing and put on the search path,
 * so tests can each have their own.
 */
export async function openEventStoreDatabase(
  database: EventStoreDatabase,
  extraMigrations: MigrationClass[] = [],
): Promise<DataSource> {
  const migrations = [...eventStoreMigrations, ...extraMigrations];
  if (database.type === 'postgres' && database.schema) {
    const bootstrap = new DataSource({ type: 'postgres', url: database.url });
    await bootstrap.initialize();
    try {
      await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${database.schema.replace(/"/g, '')}"`);
    } finally {
      await bootstrap.destroy();
    }
  }
  const dataSource =
    database.type === 'postgres'
      ? new DataSource({
          type: 'postgres',
          url: database.url,
          migrations,
          ...(database.schema ? { schema: database.schema } : {}),
          extra: {
            max: database.poolSize ?? 10,
            ...(database.schema ? { options: `-c search_path="${database.schema}"` } : {}),
          },
        })
      : new DataSource({
          type: 'better-sqlite3',
          database: database.path,
          migrations,
          // WAL lets readers (projections, the relay) run while a writer appends.
          prepareDatabase: (db: { pragma(sql: string): unknown }) => {
            db.pragma('journal_mode = WAL');
            db.pragma('synchronous = NORMAL');
            db.pragma('busy_timeout = 5000');
          },
        });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** PostgreSQL the tests use: the machine's server, database `test` (override with FERRY_TEST_POSTGRES_URL). */
export const TEST_POSTGRES_URL = process.env['FERRY_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** NATS with JetStream the tests use (override with FERRY_TEST_NATS_URL). */
export const TEST_NATS_URL = process.env['FERRY_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** A short random suffix, so each test gets its own schema, stream or namespace. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix = 'ferry-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Drops a PostgreSQL schema and everything in it. */
export async function dropPostgresSchema(schema: string, url = TEST_POSTGRES_URL): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema.replace(/"/g, '')}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A database for one test: a fresh PostgreSQL schema or a SQLite file in a temp dir, and its clean-up. */
export interface TestDatabase {
  kind: 'postgres' | 'sqlite';
  /** `DATABASE_URL`-style address: `postgres://…?schema=…` or `sqlite:/tmp/…/events.db`. */
  url: string;
  drop(): Promise<void>;
}

/** Creates the address of a fresh, isolated database of the given kind (created on first use). */
export function testDatabase(kind: 'postgres' | 'sqlite'): TestDatabase {
  if (kind === 'postgres') {
    const schema = `t_${uniqueSuffix()}`;
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('schema', schema);
    return { kind, url: url.toString(), drop: () => dropPostgresSchema(schema) };
  }
  const dir = tempDir('ferry-sqlite-');
  return { kind, url: `sqlite:${join(dir.path, 'events.db')}`, drop: async () => dir.remove() };
}

/** Deletes a JetStream stream a test created (memory streams would otherwise live until the server restarts). */
export async function deleteTestStream(stream: string, url = TEST_NATS_URL): Promise<void> {
  const { connect } = await import('nats');
  const nc = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => undefined);
  } finally {
    await nc.close();
  }
}

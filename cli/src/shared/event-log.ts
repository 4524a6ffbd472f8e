import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ferryEvents, type FerryEvent, type ObjectRef } from '@ferry/contracts';
import { openEventStoreDatabase, parseDatabaseUrl, TypeOrmEventStore } from '@ferry/event-store';
import type { Printer } from './output';

/** Where the services keep their embedded stores by default (`sqlite:.ferry/<service>.db`). */
export const DEFAULT_STORE_DIR = '.ferry';

/** A decoded event with when the store recorded it. */
export interface LoggedEvent {
  event: FerryEvent;
  recordedAt: Date;
}

const PAGE = 500;

/**
 * The stores to read: --database-url, else DATABASE_URL, else every `.ferry/*.db` (each service embeds its own
 * store, so the CLI merges them). A SQLite file that does not exist is an error, not a new empty store.
 */
export function storeUrls(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string[] {
  const url = flag ?? env['DATABASE_URL'];
  if (url) return [url];
  const dir = resolve(cwd, DEFAULT_STORE_DIR);
  const files = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.db')).sort() : [];
  if (files.length === 0) throw new Error(`no event store found: set --database-url or DATABASE_URL, or run where ${dir}/*.db exists`);
  return files.map((name) => `sqlite:${join(dir, name)}`);
}

/** Reads every event of the stores, oldest first; events that do not decode are reported (⚠️) and left out. */
export async function readEventLog(urls: string[], print: Printer): Promise<LoggedEvent[]> {
  const events: LoggedEvent[] = [];
  for (const url of urls) {
    const database = parseDatabaseUrl(url);
    if (database.type === 'sqlite' && database.path !== ':memory:' && !existsSync(database.path)) {
      throw new Error(`event store ${database.path} does not exist`);
    }
    const dataSource = await openEventStoreDatabase(database);
    try {
      const store = new TypeOrmEventStore(dataSource);
      for (let after = 0; ; ) {
        const page = await store.readAll(after, PAGE);
        for (const stored of page) {
          try {
            events.push({ event: ferryEvents.decode(stored.event) as FerryEvent, recordedAt: stored.recordedAt });
          } catch (error) {
            print.warning(`skipping event at position ${stored.position} of ${describe(url)}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        if (page.length < PAGE) break;
        after = page[page.length - 1]?.position ?? after;
      }
    } finally {
      await dataSource.destroy();
    }
  }
  return events.sort((a, b) => a.event.occurredAt.localeCompare(b.event.occurredAt));
}

// Never print credentials: a PostgreSQL URL loses its userinfo.
function describe(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

/** The object an event is about (ArtifactReady names it `source`). */
export function subjectOf(event: FerryEvent): ObjectRef {
  return event.type === 'ArtifactReady' ? event.source : event.object;
}

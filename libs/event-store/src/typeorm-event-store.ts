import type { DataSource, EntityManager } from 'typeorm';
import type { EventCatalog, RawEnvelope } from '@ferry/contracts';
import {
  ConcurrencyError,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type StoredEvent,
  type StreamAppend,
} from './event-store.port';
import { inTransaction, isPostgres, placeholder } from './transactions';

// Appenders take this lock so global positions become visible in commit order: a reader that saw
// position N never later finds a smaller one committed (which would make the outbox skip it).
const APPEND_LOCK_KEY = 0x6665727279;
const INSERT_CHUNK_ROWS = 1000;
// Stream ids per IN (…) list: far below SQLite's and PostgreSQL's bound-parameter limits.
const IN_LIST_CHUNK = 500;
const COLUMNS = 'stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at';

interface EventRow {
  position: string | number;
  stream_id: string;
  stream_version: number;
  data: string | RawEnvelope;
  metadata: string | Record<string, unknown>;
  recorded_at: string | Date;
}

/** The EventStore on TypeORM: PostgreSQL in production, SQLite embedded. */
export class TypeOrmEventStore implements EventStore {
  private readonly listeners = new Set<() => void>();
  private readonly p: (index: number) => string;

  /** `catalog`, when given, validates every event before it is stored. */
  constructor(
    private readonly dataSource: DataSource,
    private readonly catalog?: EventCatalog,
  ) {
    this.p = placeholder(dataSource);
  }

  async append(
    streamId: string,
    events: RawEnvelope[],
    expectedVersion: ExpectedVersion,
    metadata: Record<string, unknown> = {},
  ): Promise<AppendResult> {
    const [result] = await this.appendBatch([{ streamId, events, expectedVersion, metadata }]);
    return result as AppendResult;
  }

  async appendBatch(appends: StreamAppend[]): Promise<AppendResult[]> {
    const results = await inTransaction(this.dataSource, (manager) => this.appendBatchIn(manager, appends));
    this.notifyAppended();
    return results;
  }

  /**
   * Appends inside a caller's transaction, so a consumer can record what it did (inbox row, read model)
   * and the events it produced atomically. Call `notifyAppended()` after the caller commits.
   */
  async appendBatchIn(manager: EntityManager, appends: StreamAppend[]): Promise<AppendResult[]> {
    for (const { events } of appends) events.forEach((event) => this.catalog?.validate(event));
    try {
      if (isPostgres(this.dataSource)) await manager.query(`SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY})`);
      // One version query and multi-row inserts for the whole batch, not two statements per stream: callers
      // that group many small appends into one transaction (the notifier's attempts) pay per statement.
      const versions = await this.currentVersions(manager, appends.map((append) => append.streamId));
      const recordedAt = new Date().toISOString();
      const values: unknown[][] = [];
      const lastVersions = appends.map(({ streamId, events, expectedVersion, metadata = {} }) => {
        const current = versions.get(streamId) ?? 0;
        if (!versionMatches(expectedVersion, current)) throw new ConcurrencyError(streamId, expectedVersion, current);
        const metadataJson = JSON.stringify(metadata);
        events.forEach((event, i) =>
          values.push([streamId, current + i + 1, event.id, event.type, event.schemaVersion, JSON.stringify(event), metadataJson, recordedAt]),
        );
        versions.set(streamId, current + events.length);
        return current + events.length;
      });
      const positions = new Map<string, number>();
      for (let start = 0; start < values.length; start += INSERT_CHUNK_ROWS) {
        const chunk = values.slice(start, start + INSERT_CHUNK_ROWS);
        const rows = chunk.map((_, i) => `(${Array.from({ length: 8 }, (_, c) => this.p(i * 8 + c + 1)).join(', ')})`);
        const inserted: Array<{ position: string | number; stream_id: string; stream_version: number }> = await manager.query(
          `INSERT INTO events (${COLUMNS}) VALUES ${rows.join(', ')} RETURNING position, stream_id, stream_version`,
          chunk.flat(),
        );
        inserted.forEach((row) => positions.set(versionKey(row.stream_id, Number(row.stream_version)), Number(row.position)));
      }
      return appends.map(({ streamId, events }, i) => {
        const streamVersion = lastVersions[i] ?? 0;
        return { streamVersion, lastPosition: events.length === 0 ? 0 : (positions.get(versionKey(streamId, streamVersion)) ?? 0) };
      });
    } catch (error: unknown) {
      throw this.asConcurrencyError(error, appends) ?? error;
    }
  }

  /** Wakes `onAppended` listeners (the outbox relay). */
  notifyAppended(): void {
    this.listeners.forEach((listener) => listener());
  }

  async readStream(streamId: string, fromVersion = 1): Promise<StoredEvent[]> {
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT position, stream_id, stream_version, data, metadata, recorded_at FROM events
       WHERE stream_id = ${this.p(1)} AND stream_version >= ${this.p(2)} ORDER BY stream_version`,
      [streamId, fromVersion],
    );
    return rows.map(toStoredEvent);
  }

  async readStreams(streamIds: string[]): Promise<Map<string, StoredEvent[]>> {
    const out = new Map<string, StoredEvent[]>(streamIds.map((streamId) => [streamId, []]));
    const unique = [...out.keys()];
    for (let start = 0; start < unique.length; start += IN_LIST_CHUNK) {
      const chunk = unique.slice(start, start + IN_LIST_CHUNK);
      const rows: EventRow[] = await this.dataSource.query(
        `SELECT position, stream_id, stream_version, data, metadata, recorded_at FROM events
         WHERE stream_id IN (${chunk.map((_, i) => this.p(i + 1)).join(', ')}) ORDER BY stream_id, stream_version`,
        chunk,
      );
      rows.forEach((row) => out.get(row.stream_id)?.push(toStoredEvent(row)));
    }
    return out;
  }

  readAll(afterPosition: number, limit: number): Promise<StoredEvent[]> {
    return this.readAllIn(this.dataSource.manager, afterPosition, limit);
  }

  /** `readAll` inside a caller's transaction (projections read and checkpoint atomically). */
  async readAllIn(manager: EntityManager, afterPosition: number, limit: number): Promise<StoredEvent[]> {
    const rows: EventRow[] = await manager.query(
      `SELECT position, stream_id, stream_version, data, metadata, recorded_at FROM events
       WHERE position > ${this.p(1)} ORDER BY position LIMIT ${this.p(2)}`,
      [afterPosition, limit],
    );
    return rows.map(toStoredEvent);
  }

  streamVersion(streamId: string): Promise<number> {
    return this.currentVersion(this.dataSource.manager, streamId);
  }

  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async currentVersions(manager: EntityManager, streamIds: string[]): Promise<Map<string, number>> {
    const versions = new Map<string, number>();
    const unique = [...new Set(streamIds)];
    for (let start = 0; start < unique.length; start += IN_LIST_CHUNK) {
      const chunk = unique.slice(start, start + IN_LIST_CHUNK);
      const rows: Array<{ stream_id: string; version: string | number }> = await manager.query(
        `SELECT stream_id, MAX(stream_version) AS version FROM events
         WHERE stream_id IN (${chunk.map((_, i) => this.p(i + 1)).join(', ')}) GROUP BY stream_id`,
        chunk,
      );
      rows.forEach((row) => versions.set(row.stream_id, Number(row.version)));
    }
    return versions;
  }

  private async currentVersion(manager: EntityManager, streamId: string): Promise<number> {
    const [row]: Array<{ version: string | number | null }> = await manager.query(
      `SELECT MAX(stream_version) AS version FROM events WHERE stream_id = ${this.p(1)}`,
      [streamId],
    );
    return Number(row?.version ?? 0);
  }

  // Writers on other connections can still race: the unique (stream_id, stream_version) catches it, and
  // SQLite refuses the second writer's lock upgrade (SQLITE_BUSY) rather than let it deadlock.
  private asConcurrencyError(error: unknown, appends: StreamAppend[]): ConcurrencyError | undefined {
    const text = error instanceof Error ? error.message : String(error);
    if (!/events_stream_version|UNIQUE constraint failed: events\.stream_id|database is locked/.test(text)) return undefined;
    const first = appends[0];
    return first ? new ConcurrencyError(first.streamId, first.expectedVersion, undefined) : undefined;
  }
}

function versionKey(streamId: string, version: number): string {
  return `${streamId}\u0000${version}`;
}

function versionMatches(expected: ExpectedVersion, actual: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return actual === 0;
  return expected === actual;
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    position: Number(row.position),
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    event: typeof row.data === 'string' ? (JSON.parse(row.data) as RawEnvelope) : row.data,
    metadata: typeof row.metadata === 'string' ? (JSON.parse(row.metadata) as Record<string, unknown>) : row.metadata,
    recordedAt: row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at),
  };
}

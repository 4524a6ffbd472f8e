import type { RawEnvelope } from '@ferry/contracts';

/** The version a stream must be at for an append to succeed. */
export type ExpectedVersion =
  /** the stream must not exist yet */
  | 'no-stream'
  /** no check: append at the end, whatever the version */
  | 'any'
  /** the stream's last event must have this version (1-based) */
  | number;

/** An event as stored: its place in the global log and in its stream. */
export interface StoredEvent<E extends RawEnvelope = RawEnvelope> {
  /** Global, gap-tolerant, strictly increasing position in the log. */
  position: number;
  streamId: string;
  /** 1-based version of the event in its stream. */
  streamVersion: number;
  event: E;
  metadata: Record<string, unknown>;
  recordedAt: Date;
}

/** The outcome of an append. */
export interface AppendResult {
  /** The stream's version after the append: pass it as the next expected version. */
  streamVersion: number;
  /** Global position of the last appended event. */
  lastPosition: number;
}

/** One stream's part of a batched append. */
export interface StreamAppend {
  streamId: string;
  events: RawEnvelope[];
  expectedVersion: ExpectedVersion;
  metadata?: Record<string, unknown>;
}

/** Thrown when a stream is not at the expected version: someone else appended first. */
export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** undefined when the race was detected by the database rather than by the version check */
    readonly actual: number | undefined,
  ) {
    super(
      actual === undefined
        ? `stream ${streamId} was written concurrently (expected version ${String(expected)})`
        : `stream ${streamId} is at version ${actual}, expected ${String(expected)}`,
    );
  }
}

/** The source of truth: an append-only log of events grouped in streams. */
export interface EventStore {
  /** Appends events to one stream atomically, checking the expected version. */
  append(
    streamId: string,
    events: RawEnvelope[],
    expectedVersion: ExpectedVersion,
    metadata?: Record<string, unknown>,
  ): Promise<AppendResult>;
  /** Appends to several streams in one transaction: all or nothing. */
  appendBatch(appends: StreamAppend[]): Promise<AppendResult[]>;
  /** The events of one stream, oldest first, from a version (inclusive). */
  readStream(streamId: string, fromVersion?: number): Promise<StoredEvent[]>;
  /** The events of several streams in one read, oldest first per stream; every id asked for has an entry. */
  readStreams(streamIds: string[]): Promise<Map<string, StoredEvent[]>>;
  /** Events after a global position (exclusive), oldest first, at most `limit`. */
  readAll(afterPosition: number, limit: number): Promise<StoredEvent[]>;
  /** The stream's current version; 0 when it does not exist. */
  streamVersion(streamId: string): Promise<number>;
  /** Calls `listener` after every append committed through this instance; returns an unsubscribe function. */
  onAppended(listener: () => void): () => void;
}

/** Injection token for the EventStore port. */
export const EVENT_STORE = Symbol('EventStore');

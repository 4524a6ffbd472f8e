import { randomUUID } from 'node:crypto';
import { newEvent, type NotificationAttemptedV1 } from '@ferry/contracts';
import type { TypeOrmEventStore } from '@ferry/event-store';
import { openInMemoryStore } from '../../test/in-memory-store';
import { EventStoreAttemptLog } from './event-store-attempt-log';

const EVENT_ID = randomUUID();

const attempt = (alert: string, outcome: NotificationAttemptedV1['outcome'] = 'delivered'): NotificationAttemptedV1 =>
  newEvent<NotificationAttemptedV1>({
    type: 'NotificationAttempted',
    schemaVersion: 1,
    eventId: EVENT_ID,
    object: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
    alert: { namespace: 'flux-system', name: alert },
    provider: { namespace: 'flux-system', name: 'sink', type: 'generic' },
    outcome,
    statusCode: 200,
    durationMs: 3,
    error: null,
    attempt: 1,
  });

describe('EventStoreAttemptLog', () => {
  let store: TypeOrmEventStore;
  let close: () => Promise<void>;


  beforeEach(async () => ({ store, close } = await openInMemoryStore()));
  afterEach(() => close());

  it('Given many deliveries at once, When they record and read, Then the store sees one append and one read for all of them', async () => {
    const log = new EventStoreAttemptLog(store);
    const appendBatch = jest.spyOn(store, 'appendBatch');
    const readStreams = jest.spyOn(store, 'readStreams');
    const records = Array.from({ length: 50 }, (_, i) => attempt(`a${i}`));
    expect(await Promise.all(records.map((record, i) => log.record(`s${i}`, record, 0)))).toEqual(records.map(() => true));
    const histories = await Promise.all(records.map((_, i) => log.attempts(`s${i}`)));
    expect(appendBatch).toHaveBeenCalledTimes(1);
    expect(readStreams).toHaveBeenCalledTimes(1);
    expect(histories).toEqual(records.map((record) => [record]));
    expect(await log.attempts('never-written')).toEqual([]);
  });

  it('Given a stream written meanwhile by another worker, When a batch records, Then only that pair is refused and the others are stored', async () => {
    const log = new EventStoreAttemptLog(store);
    await store.append('raced', [attempt('raced')], 'no-stream');
    const results = await Promise.all([log.record('s1', attempt('s1'), 0), log.record('raced', attempt('raced', 'failed'), 0), log.record('s2', attempt('s2'), 0)]);
    expect(results).toEqual([true, false, true]);
    expect((await store.readStream('raced')).map((stored) => (stored.event as NotificationAttemptedV1).outcome)).toEqual(['delivered']);
    expect(await store.streamVersion('s1')).toBe(1);
    expect(await store.streamVersion('s2')).toBe(1);
  });

  it('Given more records than one batch holds, When recorded, Then they go in several batches and all are stored', async () => {
    const log = new EventStoreAttemptLog(store, 4);
    const appendBatch = jest.spyOn(store, 'appendBatch');
    expect(await Promise.all(Array.from({ length: 10 }, (_, i) => log.record(`s${i}`, attempt(`a${i}`), 0)))).toEqual(Array(10).fill(true));
    expect(appendBatch.mock.calls.map(([appends]) => appends.length)).toEqual([4, 4, 2]);
  });

  it('Given the store fails, When recording, Then every caller of that batch gets the error', async () => {
    const log = new EventStoreAttemptLog(store);
    jest.spyOn(store, 'appendBatch').mockRejectedValueOnce(new Error('disk full'));
    const results = await Promise.allSettled([log.record('s1', attempt('s1'), 0), log.record('s2', attempt('s2'), 0)]);
    expect(results.map((result) => (result.status === 'rejected' ? String(result.reason) : 'stored'))).toEqual(['Error: disk full', 'Error: disk full']);
    expect(await log.record('s1', attempt('s1'), 0)).toBe(true);
  });
});

import { ferryEvents } from '@ferry/contracts';
import { openEventStoreDatabase, TypeOrmEventStore } from '@ferry/event-store';

/** A fresh event store in an in-memory SQLite database, validating Ferry's events, and how to close it. */
export async function openInMemoryStore(): Promise<{ store: TypeOrmEventStore; close: () => Promise<void> }> {
  const dataSource = await openEventStoreDatabase({ type: 'sqlite', path: ':memory:' });
  return { store: new TypeOrmEventStore(dataSource, ferryEvents), close: () => dataSource.destroy() };
}

// A consumer service in its own process, for the exactly-once test: its own SQLite database, an inbox,
// and a durable JetStream consumer. With CRASH_AFTER_COMMIT=1 it dies after committing the first event
// but before acking it, as a crashed replica would.
import { ferryEvents } from '@ferry/contracts';
import { Inbox, openEventStoreDatabase, parseDatabaseUrl, placeholder } from '@ferry/event-store';
import { EventConsumer, connectNats } from '../src';

async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const dataSource = await openEventStoreDatabase(parseDatabaseUrl(env('DATABASE_URL')));
  await dataSource.query('CREATE TABLE IF NOT EXISTS processed (event_id varchar(36) PRIMARY KEY, handled integer NOT NULL)');
  await dataSource.query('CREATE TABLE IF NOT EXISTS deliveries (event_id varchar(36) NOT NULL, delivery integer NOT NULL)');
  const inbox = new Inbox(dataSource, 'test-consumer');
  const nc = await connectNats(env('NATS_URL'), 'consumer-process');
  const crash = process.env['CRASH_AFTER_COMMIT'] === '1';
  const p = placeholder(dataSource);
  const consumer = new EventConsumer(nc.jetstream(), {
    stream: env('STREAM'),
    durable: env('DURABLE'),
    catalog: ferryEvents,
    maxDeliver: 5,
    backoffMs: [200],
    concurrency: 1,
    onDeadLetter: () => undefined,
    handle: async (event, context) => {
      await dataSource.query(`INSERT INTO deliveries (event_id, delivery) VALUES (${p(1)}, ${p(2)})`, [
        event.id,
        context.deliveryCount,
      ]);
      await inbox.processOnce(event.id, async (manager) => {
        await manager.query(
          `INSERT INTO processed (event_id, handled) VALUES (${p(1)}, 1)
           ON CONFLICT (event_id) DO UPDATE SET handled = processed.handled + 1`,
          [event.id],
        );
      });
      if (crash) process.exit(3);
    },
  });
  await consumer.start();
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => {
    void consumer.stop().then(() => nc.close()).then(() => dataSource.destroy()).then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});

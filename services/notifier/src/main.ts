import 'reflect-metadata';
import { runService } from '@ferry/platform';
import { loadNotifierConfig } from './config';
import { NotifierModule } from './notifier.module';

async function main(): Promise<void> {
  const config = loadNotifierConfig();
  await runService(NotifierModule.forRoot(config), config.platform, { consumerConcurrency: config.notifications.concurrency });
}

main().catch((error: unknown) => {
  process.stderr.write(`notifier: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

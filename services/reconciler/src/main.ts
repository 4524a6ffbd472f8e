import 'reflect-metadata';
import { runService } from '@ferry/platform';
import { loadReconcilerConfig } from './config';
import { ReconcilerModule } from './reconciler.module';

async function main(): Promise<void> {
  const config = loadReconcilerConfig();
  await runService(ReconcilerModule.forRoot(config), config.platform);
}

main().catch((error: unknown) => {
  process.stderr.write(`reconciler: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

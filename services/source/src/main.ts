import 'reflect-metadata';
import { runService } from '@ferry/platform';
import { loadSourceConfig } from './config';
import { SourceModule } from './source.module';

async function main(): Promise<void> {
  const config = loadSourceConfig();
  await runService(SourceModule.forRoot(config), config.platform);
}

main().catch((error: unknown) => {
  process.stderr.write(`source: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

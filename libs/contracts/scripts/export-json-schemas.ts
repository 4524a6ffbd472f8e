// Writes the JSON Schema of every event to a directory (default dist/schemas), for consumers outside TypeScript.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ferryEvents } from '../src';

const outDir = resolve(process.argv[2] ?? 'dist/schemas');
mkdirSync(outDir, { recursive: true });
for (const [name, schema] of Object.entries(ferryEvents.jsonSchemas())) {
  const file = join(outDir, `${name}.schema.json`);
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`✔ ${file}`);
}

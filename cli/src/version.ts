import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Ferry's version, read from the root package.json so there is one place to bump it. */
export function ferryVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

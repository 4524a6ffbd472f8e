import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deployFiles } from './deploy-manifests';

// `npx nx run cli:deploy-manifests`: rewrites deploy/ from the generator (deploy-manifests.spec.ts fails on drift).
const root = join(__dirname, '..', '..', '..');
for (const file of deployFiles()) {
  mkdirSync(dirname(join(root, file.path)), { recursive: true });
  writeFileSync(join(root, file.path), file.content);
  process.stdout.write(`✔ ${file.path}\n`);
}

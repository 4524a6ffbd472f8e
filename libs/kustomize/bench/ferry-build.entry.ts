import { buildKustomization, NodeFileSystem } from '../src/index';

// A compiled, dependency-light entry used by the bench so Ferry's process time is not dominated by on-the-fly
// TypeScript compilation; it does exactly what `ferry build kustomization <dir>` does.
const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: ferry-build.entry <dir>\n');
  process.exit(2);
}
try {
  process.stdout.write(buildKustomization(dir, { fs: new NodeFileSystem('/') }));
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}

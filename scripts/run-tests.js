// `npm test`: typecheck, lint and every project's Jest suite through Nx, then one closing line that
// adds up all Jest results: "Tests: N passed, N failed".
const { spawnSync } = require('node:child_process');
const { mkdirSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const resultsDir = join(root, 'tmp', 'jest-results');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

const nx = spawnSync(
  'npx',
  ['nx', 'run-many', '-t', 'typecheck', 'lint', 'test', '--parallel=2', '--outputStyle=static', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, FERRY_JEST_RESULTS: resultsDir, NX_DAEMON: 'false', NX_TUI: 'false' } },
);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of readdirSync(resultsDir)) {
  const result = JSON.parse(readFileSync(join(resultsDir, file), 'utf8'));
  passed += result.numPassedTests;
  failed += result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0);
  skipped += result.numPendingTests + result.numTodoTests;
}
const status = nx.status ?? 1;
if (status !== 0 && failed === 0) failed = 1; // typecheck or lint failed: never report a clean run
console.log(`\nTests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status);

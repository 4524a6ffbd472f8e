import { isLocalBuild, runLocalBuild } from './local-build';
import type * as Program from './program';

const args = process.argv.slice(2);
// A local build loads only what it needs (see local-build.ts); every other command loads the full program,
// required here rather than imported so that a build never pays for it.
const run = isLocalBuild(args) ? runLocalBuild(args) : (require('./program') as typeof Program).runFerry(args);
// Exit explicitly: a request abandoned at --timeout must not keep the process alive.
void run.then((code) => process.exit(code));

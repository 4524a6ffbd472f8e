import { runFerry } from './program';

// Exit explicitly: a request abandoned at --timeout must not keep the process alive.
void runFerry(process.argv.slice(2)).then((code) => process.exit(code));

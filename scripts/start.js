// `npm start`: the local Ferry platform with embedded defaults. Uses the NATS on 127.0.0.1:4222 if one
// runs, else starts `nats-server` (installing Debian's package when root); then the local environment
// (dev cluster, a Git server with an example repository, its GitRepository and Kustomization) and the
// three services on SQLite. Ctrl-C stops everything it started. FERRY_PORT_BASE (default 9790) moves every
// port; FERRY_STATE_DIR (default .ferry) moves the state.
const { spawn, spawnSync } = require('node:child_process');
const { createWriteStream, mkdirSync } = require('node:fs');
const net = require('node:net');
const { join, resolve } = require('node:path');

const root = join(__dirname, '..');
const stateDir = process.env.FERRY_STATE_DIR ? resolve(process.env.FERRY_STATE_DIR) : join(root, '.ferry');
const portBase = Number(process.env.FERRY_PORT_BASE ?? 9790);
const children = [];

const say = (mark, text) => console.log(`${mark} ${text}`);

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

async function waitForPort(port, seconds) {
  for (let i = 0; i < seconds * 10; i++) {
    if (await portOpen(port)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function which(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

function installNatsServer() {
  if (process.getuid?.() !== 0 || !which('apt-get')) return false;
  say('►', 'installing nats-server from the distribution (apt-get install nats-server)');
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  return spawnSync('apt-get', ['install', '-y', '-qq', 'nats-server'], { stdio: 'inherit' }).status === 0;
}

async function ensureNats() {
  if (await portOpen(4222)) {
    say('✔', 'using the NATS server on nats://127.0.0.1:4222 (it must have JetStream enabled)');
    return;
  }
  let binary = which('nats-server');
  if (!binary && installNatsServer()) binary = which('nats-server');
  if (!binary) {
    say('✗', 'nats-server is not installed and could not be installed automatically.');
    console.log('  Install it and run npm start again:  sudo apt-get install nats-server');
    console.log('  (or run any NATS server with JetStream on 127.0.0.1:4222: nats-server -js)');
    process.exit(1);
  }
  const dataDir = join(stateDir, 'nats');
  mkdirSync(dataDir, { recursive: true });
  start('nats-server', binary, ['-js', '-a', '127.0.0.1', '-p', '4222', '-sd', dataDir], {});
  if (!(await waitForPort(4222, 15))) {
    say('✗', 'nats-server did not start listening on 127.0.0.1:4222 within 15 s');
    await stopAll(1);
  }
  say('✔', `started nats-server with JetStream (data in ${dataDir})`);
}

function start(name, command, args, env) {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  // Each process's output also goes to .ferry/logs/<name>.log, which `ferry logs` reads.
  const logFile = createWriteStream(join(stateDir, 'logs', `${name}.log`), { flags: 'a' });
  child.stdout.pipe(logFile);
  child.stdout.on('data', (chunk) => process.stdout.write(prefix(name, chunk)));
  child.stderr.on('data', (chunk) => process.stderr.write(prefix(name, chunk)));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say('✗', `${name} exited (${signal ?? code}); stopping Ferry`);
      void stopAll(1);
    }
  });
  children.push({ name, child });
  return child;
}

function prefix(name, chunk) {
  return chunk
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((line) => `${name.padEnd(10)} | ${line}\n`)
    .join('');
}

const services = [
  { name: 'source', port: portBase },
  { name: 'reconciler', port: portBase + 1 },
  { name: 'notifier', port: portBase + 2 },
];

/** Starts the dev cluster, the example Git server and the Flux objects; resolves once they are ready. */
function startLocalEnvironment() {
  const child = start('local', process.execPath, ['-r', '@swc-node/register', join(root, 'local', 'src', 'main.ts')], {
    FERRY_STATE_DIR: stateDir,
    FERRY_PORT_BASE: String(portBase),
  });
  return new Promise((resolve) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk.toString();
      if (seen.includes('local environment ready')) resolve();
    });
  });
}

let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  say('►', 'stopping Ferry');
  for (const { child } of [...children].reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 10_000);
        child.on('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
  say('✔', 'stopped');
  process.exit(code);
}

async function main() {
  mkdirSync(join(stateDir, 'logs'), { recursive: true });
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  await ensureNats();
  await startLocalEnvironment();
  for (const service of services) {
    start(service.name, process.execPath, ['-r', '@swc-node/register', join(root, 'services', service.name, 'src', 'main.ts')], {
      HTTP_PORT: String(service.port),
      HTTP_HOST: '127.0.0.1',
      DATABASE_URL: process.env.DATABASE_URL ?? `sqlite:${join(stateDir, `${service.name}.db`)}`,
      KUBECONFIG: join(stateDir, 'kubeconfig'),
      ARTIFACT_ROOT: join(stateDir, 'artifacts'),
      GIT_MIRROR_ROOT: join(stateDir, 'git-mirrors'),
    });
  }
  for (const service of services) {
    if (!(await waitForPort(service.port, 60))) {
      say('✗', `${service.name} did not listen on 127.0.0.1:${service.port} within 60 s`);
      await stopAll(1);
    }
  }
  console.log('');
  say('✔', 'Ferry is running');
  for (const service of services) {
    console.log(`  ${service.name.padEnd(10)} http://127.0.0.1:${service.port}/metrics  (/healthz, /readyz)`);
  }
  console.log(`  kubeconfig ${join(stateDir, 'kubeconfig')}`);
  console.log('  Ctrl-C stops everything.');
}

main().catch((error) => {
  say('✗', error.message);
  void stopAll(1);
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parsePlatformConfig } from '@ferry/platform';

// No Docker engine here: these checks keep docker-compose.yml and the Dockerfile consistent with the services.
const ROOT = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }> | string[];
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
const serviceNames = readdirSync(join(ROOT, 'services'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);

/** `${VAR:-default}` as compose interpolates it with VAR unset. */
const interpolate = (text: string) => text.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

/** Environment variable names a zod env schema in `file` declares (`NAME: z.…`). */
function schemaVariables(file: string): string[] {
  return [...read(file).matchAll(/^\s+([A-Z][A-Z0-9_]*): z\b/gm)].map((match) => match[1] ?? '');
}

function defaultPort(service: string): number {
  const match = /_DEFAULT_PORT = (\d+);/.exec(read(`services/${service}/src/config.ts`));
  if (!match) throw new Error(`services/${service}/src/config.ts: no *_DEFAULT_PORT constant`);
  return Number(match[1]);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testdata' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !/\.(int-)?spec\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Package specifiers (not relative, not node:) imported by the non-test sources under `dir`. */
function importedPackages(dir: string): string[] {
  const specifiers = sourceFiles(dir).flatMap((file) =>
    [...read(file).matchAll(/(?:from |import\(|require\()'((?:@[a-z0-9-]+\/)?[a-z0-9][\w.-]*(?:\/[\w./-]+)?)'/g)].map((match) => match[1] ?? ''),
  );
  return [...new Set(specifiers.filter((specifier) => !specifier.startsWith('node:')).map((specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')))];
}

/** The instructions of the Dockerfile's last stage (the image that runs). */
function finalStage(dockerfile: string): Array<[string, string]> {
  const lines = dockerfile.replace(/\\\n/g, ' ').split('\n').filter((line) => line.trim() && !line.trim().startsWith('#'));
  const instructions = lines.map((line) => {
    const [keyword = '', ...rest] = line.trim().split(/\s+/);
    return [keyword.toUpperCase(), rest.join(' ')] as [string, string];
  });
  const lastFrom = instructions.map(([keyword]) => keyword).lastIndexOf('FROM');
  return instructions.slice(lastFrom);
}

describe('docker-compose.yml', () => {
  it('has a service for every directory in services/, built from the Dockerfile with its SERVICE', () => {
    expect(serviceNames.sort()).toEqual(['notifier', 'reconciler', 'source']);
    for (const name of serviceNames) {
      expect(compose.services[name]?.build).toEqual({ context: '.', dockerfile: 'Dockerfile', args: { SERVICE: name } });
    }
  });

  it.each(serviceNames)("publishes %s on the default port of its config.ts, where the healthcheck calls /healthz", (name) => {
    const service = compose.services[name]!;
    const port = defaultPort(name);
    expect(service.ports).toEqual([`${port}:${port}`]);
    expect(service.environment?.['HTTP_PORT']).toBe(String(port));
    expect(service.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/healthz`);
  });

  it.each(serviceNames)('sets on %s only variables its config schemas declare, with values they accept', (name) => {
    const declared = [...schemaVariables('libs/platform/src/platform-config.ts'), ...schemaVariables(`services/${name}/src/config.ts`)];
    expect(declared).toEqual(expect.arrayContaining(['NATS_URL', 'DATABASE_URL', 'HTTP_PORT']));
    const environment = compose.services[name]?.environment ?? {};
    for (const variable of Object.keys(environment)) expect(`${name}: ${variable}`).toBe(`${name}: ${declared.includes(variable) ? variable : 'not in its config schema'}`);
    const env = Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, interpolate(String(value))]));
    const config = parsePlatformConfig(name, defaultPort(name), env);
    expect(config.natsUrl).toBe('nats://nats:4222');
    expect(config.databaseUrl).toBe(`postgres://ferry:ferry@postgres:5432/ferry?schema=${name}`);
    expect(config.http.port).toBe(defaultPort(name));
  });

  it('starts the services after healthy NATS (JetStream on a volume) and PostgreSQL', () => {
    const nats = compose.services['nats']!;
    expect(nats.command).toContain('--jetstream');
    expect(nats.volumes).toEqual(['nats-data:/data']);
    expect(nats.command).toContain('--store_dir=/data');
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['nats-data', 'postgres-data']));
    const postgres = compose.services['postgres']!;
    expect(postgres.environment).toMatchObject({ POSTGRES_USER: 'ferry', POSTGRES_DB: 'ferry' });
    for (const name of serviceNames) {
      expect(compose.services[name]?.depends_on).toEqual({ nats: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
    }
  });

  it('scrapes every service with Prometheus and provisions the generated Grafana dashboard', () => {
    const mounted = ['prometheus', 'grafana'].flatMap((name) => compose.services[name]?.volumes ?? []).filter((volume) => volume.startsWith('./'));
    expect(mounted.length).toBeGreaterThanOrEqual(4);
    for (const volume of mounted) expect(`${volume} exists: ${existsSync(join(ROOT, volume.split(':')[0]!))}`).toBe(`${volume} exists: true`);
    const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as { scrape_configs: Array<{ job_name: string; metrics_path: string; static_configs: Array<{ targets: string[] }> }> };
    for (const name of serviceNames) {
      const job = prometheus.scrape_configs.find((config) => config.job_name === name);
      expect(job?.metrics_path).toBe('/metrics');
      expect(job?.static_configs.flatMap((config) => config.targets)).toEqual([`${name}:${defaultPort(name)}`]);
    }
    const provider = parse(read('deploy/grafana/provisioning/dashboards/ferry.yaml')) as { providers: Array<{ options: { path: string } }> };
    expect(compose.services['grafana']?.volumes).toContain(`./deploy/grafana/dashboards:${provider.providers[0]?.options.path}:ro`);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stage = finalStage(dockerfile);
  const value = (keyword: string) => stage.filter(([k]) => k === keyword).map(([, rest]) => rest);

  it('builds in stages on node:20-slim and runs production dependencies only', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-slim$/m);
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(value('FROM')).toEqual(['${NODE_IMAGE}']);
    expect(value('COPY').join('\n')).not.toMatch(/^\. /m);
  });

  it('runs as a non-root user', () => {
    const users = value('USER');
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
  });

  it.each(serviceNames)('starts %s from a main file the build compiles', (name) => {
    expect(value('ARG')).toContain('SERVICE');
    const workdir = value('WORKDIR').at(-1)!.replace('${SERVICE}', name);
    const cmd = JSON.parse(value('CMD')[0]!) as string[];
    expect(cmd[0]).toBe('node');
    const entry = join(workdir, cmd[1]!);
    expect(entry).toBe(`/app/services/${name}/src/main.js`);
    expect(existsSync(join(ROOT, 'services', name, 'src', 'main.ts'))).toBe(true);
    const build = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    expect(build.include).toContain('services/*/src/**/*.ts');
  });

  it('runs the services on compiled libraries and production dependencies only (what npm prune --omit=dev keeps)', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const build = JSON.parse(read('tsconfig.build.json')) as { exclude: string[] };
    const seen = new Set<string>();
    const queue = serviceNames.map((name) => `services/${name}/src`);
    while (queue.length) {
      const dir = queue.shift()!;
      for (const specifier of importedPackages(dir)) {
        if (seen.has(specifier)) continue;
        seen.add(specifier);
        if (specifier.startsWith('@ferry/')) {
          const lib = `libs/${specifier.slice('@ferry/'.length)}`;
          expect(`${dir} imports ${specifier}, compiled: ${!build.exclude.includes(`${lib}/**`)}`).toBe(`${dir} imports ${specifier}, compiled: true`);
          queue.push(`${lib}/src`);
        } else {
          expect(`${dir} imports ${specifier}: ${specifier in pkg.dependencies ? 'dependency' : 'not a production dependency'}`).toBe(`${dir} imports ${specifier}: dependency`);
        }
      }
    }
    expect([...seen]).toEqual(expect.arrayContaining(['@ferry/platform', '@nestjs/core', 'nats']));
  });

  it('keeps dependencies and build output out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, type ServiceProcess } from '@ferry/testing';
import { notifierFixture, type NotifierFixture } from '../test/notifier-fixture';

// Real processes, NATS and a cluster on a shared 2-core machine: a ceiling for hangs, not a speed assertion.
jest.setTimeout(90_000);

describe('notifier service process', () => {
  let fixture: NotifierFixture;
  let service: ServiceProcess;

  beforeAll(async () => {
    fixture = await notifierFixture();
    service = await fixture.start();
  });

  afterAll(async () => {
    expect(await service.stop()).toBe(0);
    await fixture.dispose();
  });

  it('answers /healthz and /readyz once connected to NATS and its database', async () => {
    expect(await (await fetch(`${service.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { nats: true, database: true } });
  });

  it('exposes Prometheus metrics with Flux names', async () => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(text).toContain('# TYPE gotk_reconcile_duration_seconds histogram');
    expect(text).toMatch(/process_resident_memory_bytes\{service="notifier"\} \d+/);
  });

  it('answers 404 on an unknown webhook path', async () => {
    expect((await fetch(`${service.url}/hook/${'0'.repeat(64)}`, { method: 'POST' })).status).toBe(404);
  });

  it('answers 503, not 404, on webhook paths while it cannot list Receivers (API server unreachable)', async () => {
    const dir = tempDir('ferry-notifier-unreachable-');
    const kubeconfig = join(dir.path, 'kubeconfig');
    // Port 1 on loopback: nothing listens there, so every list fails and is retried.
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'gone', cluster: { server: 'http://127.0.0.1:1' } }],
        users: [{ name: 'nobody', user: {} }],
        contexts: [{ name: 'gone', context: { cluster: 'gone', user: 'nobody' } }],
        'current-context': 'gone',
      }),
    );
    const cut = await fixture.start({ KUBECONFIG: kubeconfig, DATABASE_URL: `sqlite:${join(dir.path, 'notifier.db')}` });
    try {
      const response = await fetch(`${cut.url}/hook/${'0'.repeat(64)}`, { method: 'POST' });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: 'Receivers are not listed yet: waiting for the Kubernetes API' });
    } finally {
      expect(await cut.stop()).toBe(0);
      dir.remove();
    }
  });

  it('logs JSON lines only', () => {
    expect(service.lines.length).toBeGreaterThan(0);
    for (const line of service.lines) expect(JSON.parse(line)).toMatchObject({ level: expect.any(String), logger: 'notifier' });
  });
});

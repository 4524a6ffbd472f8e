import { TEST_NATS_URL, deleteTestStream, startServiceProcess, tempDir, uniqueSuffix, type ServiceProcess } from '@ferry/testing';

describe('notifier service process', () => {
  const dir = tempDir();
  const stream = `TEST_${uniqueSuffix()}`;
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await startServiceProcess('services/notifier/src/main.ts', {
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      NATS_URL: TEST_NATS_URL,
      DATABASE_URL: `sqlite:${dir.path}/notifier.db`,
      FERRY_EVENT_STREAM: stream,
      FERRY_EVENT_SUBJECT_PREFIX: `test${uniqueSuffix()}.ferry.events`,
      FERRY_EVENT_STORAGE: 'memory',
    });
  });

  afterAll(async () => {
    expect(await service.stop()).toBe(0);
    await deleteTestStream(stream);
    dir.remove();
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

  it('logs JSON lines only', () => {
    expect(service.lines.length).toBeGreaterThan(0);
    for (const line of service.lines) expect(JSON.parse(line)).toMatchObject({ level: expect.any(String), logger: 'notifier' });
  });
});

import { Controller, Module, type DynamicModule } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { connect } from 'nats';
import { newEvent, subjectFor, type ReconcileRequestedV1 } from '@ferry/contracts';
import type { DeadLetterStore, TypeOrmEventStore } from '@ferry/event-store';
import { EVENT_STORE } from '@ferry/event-store';
import { TEST_NATS_URL, deleteTestStream, tempDir, uniqueSuffix } from '@ferry/testing';
import { parsePlatformConfig, type PlatformConfig } from './platform-config';
import { PlatformModule } from './platform.module';
import { runService, type RunningService } from './run-service';
import { DEAD_LETTERS } from './tokens';

const received: ReconcileRequestedV1[] = [];

@Controller()
class RecordingConsumer {
  @EventPattern('ReconcileRequested')
  async onReconcileRequested(@Payload() event: ReconcileRequestedV1): Promise<void> {
    received.push(event);
  }
}

@Module({})
class TestServiceModule {
  static forRoot(config: PlatformConfig): DynamicModule {
    return { module: TestServiceModule, imports: [PlatformModule.forRoot(config)], controllers: [RecordingConsumer] };
  }
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a service on the platform', () => {
  const dir = tempDir();
  const suffix = uniqueSuffix();
  const config = parsePlatformConfig('platform-test', 0, {
    HTTP_HOST: '127.0.0.1',
    NATS_URL: TEST_NATS_URL,
    DATABASE_URL: `sqlite:${dir.path}/events.db`,
    FERRY_EVENT_STREAM: `TEST_${suffix}`,
    FERRY_EVENT_SUBJECT_PREFIX: `test${suffix}.ferry.events`,
    FERRY_EVENT_STORAGE: 'memory',
  });
  let service: RunningService;

  beforeAll(async () => {
    service = await runService(TestServiceModule.forRoot(config), config);
  });

  afterAll(async () => {
    await service.close();
    await deleteTestStream(config.events.stream);
    dir.remove();
  });

  it('delivers an event appended to its store to its @EventPattern handler once, through JetStream', async () => {
    const store = service.app.get<TypeOrmEventStore>(EVENT_STORE);
    const event = newEvent<ReconcileRequestedV1>({
      type: 'ReconcileRequested',
      schemaVersion: 1,
      object: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
      reason: 'cli',
      requestedAt: new Date().toISOString(),
    });
    await store.append('Kustomization/flux-system/apps', [event], 'no-stream');
    await eventually(() => received.some((e) => e.id === event.id));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received.filter((e) => e.id === event.id)).toEqual([event]);
  });

  it('terminates an invalid message and keeps it as a dead letter in the service database', async () => {
    const nc = await connect({ servers: TEST_NATS_URL });
    try {
      const subject = subjectFor('ReconcileRequested', 1, config.events.subjectPrefix);
      await nc.jetstream().publish(subject, new TextEncoder().encode('{"not":"an event"}'));
    } finally {
      await nc.close();
    }
    const deadLetters = service.app.get<DeadLetterStore>(DEAD_LETTERS);
    await eventually(async () => (await deadLetters.list('platform-test')).length === 1);
    const [letter] = await deadLetters.list('platform-test');
    expect(letter).toMatchObject({ reason: 'invalid', payload: '{"not":"an event"}' });
    expect(letter?.error).toMatch(/not a Ferry event envelope/);
  });

  it('answers readiness with its dependencies', async () => {
    const response = await fetch(`${service.url}/readyz`);
    expect(await response.json()).toEqual({ status: 'ready', checks: { nats: true, database: true } });
  });
});

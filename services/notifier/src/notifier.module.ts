import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { parseDuration } from '@ferry/contracts';
import { EVENT_STORE, type EventStore } from '@ferry/event-store';
import { KubeClient } from '@ferry/kube';
import type { FerryMetrics, Logger } from '@ferry/observability';
import { LOGGER, METRICS, PlatformModule } from '@ferry/platform';
import { NotifyEventHandler } from './app/notify-event.handler';
import { ReceiveWebhookHandler } from './app/receive-webhook.handler';
import type { NotifierConfig } from './config';
import { EventRateLimiter } from './domain/rate-limiter';
import { LoggingDeliveryObserver } from './infra/delivery-observer';
import { EventStoreAttemptLog } from './infra/event-store-attempt-log';
import { KubeNotificationObjects } from './infra/kube-notification-objects';
import { NotificationEventsConsumer } from './transport/notification-events.consumer';
import { ReceiverController } from './transport/receiver.controller';
import { NOTIFICATION_OBJECTS, NOTIFIER_CONFIG, NOTIFY_EVENT_HANDLER, RECEIVE_WEBHOOK_HANDLER } from './transport/tokens';

/** Stops the informers with the application. */
@Injectable()
class NotifierLifecycle implements OnApplicationShutdown {
  constructor(@Inject(NOTIFICATION_OBJECTS) private readonly objects: KubeNotificationObjects) {}

  async onApplicationShutdown(): Promise<void> {
    await this.objects.stop();
  }
}

/** The notifier service: Flux's notification-controller: alerts to providers, webhook receivers. */
@Module({})
export class NotifierModule {
  static forRoot(config: NotifierConfig): DynamicModule {
    return {
      module: NotifierModule,
      // Attempts are the notifier's own record (read from the store by `ferry events`); on the bus nobody
      // consumes them, and relaying each cost a JetStream round trip (~70 µs of CPU) plus its redelivery here.
      imports: [PlatformModule.forRoot(config.platform, [], { storeOnlyEventTypes: config.notifications.publishAttempts ? [] : ['NotificationAttempted'] })],
      controllers: [NotificationEventsConsumer, ReceiverController],
      providers: [
        { provide: NOTIFIER_CONFIG, useValue: config },
        {
          provide: NOTIFICATION_OBJECTS,
          useFactory: (logger: Logger) => {
            // KUBECONFIG, ~/.kube/config or the in-cluster service account, as kubectl resolves them.
            const objects = new KubeNotificationObjects(KubeClient.fromKubeconfig(), logger, {
              resyncMs: config.notifications.resyncMs,
              parseDuration,
            });
            // Not awaited: the service serves health and metrics while it waits for the API server; events
            // that arrive before the first list are redelivered (isSynced).
            void objects.start().then(() => objects.isSynced() && logger.info('watching Providers, Alerts and Receivers'));
            return objects;
          },
          inject: [LOGGER],
        },
        {
          provide: NOTIFY_EVENT_HANDLER,
          useFactory: (objects: KubeNotificationObjects, store: EventStore, logger: Logger, metrics: FerryMetrics) =>
            new NotifyEventHandler(objects, new EventStoreAttemptLog(store), new EventRateLimiter(config.notifications.rateLimitMs), new LoggingDeliveryObserver(logger, metrics), {
              attempts: config.notifications.attempts,
              backoffMs: config.notifications.backoffMs,
              ...(config.notifications.maxEventAgeMs > 0 ? { maxEventAgeMs: config.notifications.maxEventAgeMs } : {}),
            }),
          inject: [NOTIFICATION_OBJECTS, EVENT_STORE, LOGGER, METRICS],
        },
        {
          provide: RECEIVE_WEBHOOK_HANDLER,
          useFactory: (objects: KubeNotificationObjects, store: EventStore) => new ReceiveWebhookHandler(objects, objects, store),
          inject: [NOTIFICATION_OBJECTS, EVENT_STORE],
        },
        NotifierLifecycle,
      ],
    };
  }
}

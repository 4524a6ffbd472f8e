import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { RawEnvelope } from '@ferry/contracts';
import type { NotifyEventHandler } from '../app/notify-event.handler';
import { NOTIFY_EVENT_HANDLER } from './tokens';

/** Every event Flux would notify about; a thrown RetryLaterError NAKs it for redelivery with backoff. */
@Controller()
export class NotificationEventsConsumer {
  constructor(@Inject(NOTIFY_EVENT_HANDLER) private readonly handler: NotifyEventHandler) {}

  @EventPattern('ArtifactReady')
  async artifactReady(@Payload() event: RawEnvelope): Promise<void> {
    await this.handler.handle(event);
  }

  @EventPattern('Applied')
  async applied(@Payload() event: RawEnvelope): Promise<void> {
    await this.handler.handle(event);
  }

  @EventPattern('Failed')
  async failed(@Payload() event: RawEnvelope): Promise<void> {
    await this.handler.handle(event);
  }
}

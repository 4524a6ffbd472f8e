import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@ferry/platform';
import type { NotifierConfig } from './config';

/** The notifier service: Flux's notification-controller: alerts to providers, webhook receivers. */
@Module({})
export class NotifierModule {
  static forRoot(config: NotifierConfig): DynamicModule {
    return { module: NotifierModule, imports: [PlatformModule.forRoot(config.platform)] };
  }
}

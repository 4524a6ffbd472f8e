import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@ferry/platform';
import type { SourceConfig } from './config';

/** The source service: Flux's source-controller: fetches Git sources and publishes verified artifacts. */
@Module({})
export class SourceModule {
  static forRoot(config: SourceConfig): DynamicModule {
    return { module: SourceModule, imports: [PlatformModule.forRoot(config.platform)] };
  }
}

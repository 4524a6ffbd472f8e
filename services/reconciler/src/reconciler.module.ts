import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@ferry/platform';
import type { ReconcilerConfig } from './config';

/** The reconciler service: Flux's kustomize-controller and helm-controller: builds, applies, prunes and health-checks. */
@Module({})
export class ReconcilerModule {
  static forRoot(config: ReconcilerConfig): DynamicModule {
    return { module: ReconcilerModule, imports: [PlatformModule.forRoot(config.platform)] };
  }
}

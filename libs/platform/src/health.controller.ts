import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import type { FerryMetrics } from '@ferry/observability';
import { DATA_SOURCE, METRICS, NATS_CONNECTION } from './tokens';

/** The part of Express's response the readiness probe uses. */
interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

/** Liveness, readiness and Prometheus endpoints, the same on every service. */
@Controller()
export class HealthController {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(METRICS) private readonly metrics: FerryMetrics,
  ) {}

  /** The process is up. */
  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready when NATS is connected and the database answers; 503 with the failing checks otherwise. */
  @Get('readyz')
  async readyz(@Res() res: JsonResponse): Promise<void> {
    const checks = {
      nats: !this.nats.isClosed() && !this.nats.isDraining(),
      database: await this.dataSource.query('SELECT 1').then(
        () => true,
        () => false,
      ),
    };
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  }

  /** Prometheus text exposition. */
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

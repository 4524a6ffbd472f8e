import type { LoggerService } from '@nestjs/common';
import type { Logger } from '@ferry/observability';

/** Routes Nest's own log lines into Ferry's JSON logger, so a service prints one format only. */
export class NestJsonLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.debug(String(message), context ? { context } : {});
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error(String(message), { ...(context ? { context } : {}), ...(trace ? { trace } : {}) });
  }

  warn(message: unknown, context?: string): void {
    this.logger.info(String(message), { ...(context ? { context } : {}), warning: true });
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug(String(message), context ? { context } : {});
  }

  verbose(message: unknown, context?: string): void {
    this.logger.debug(String(message), context ? { context } : {});
  }
}

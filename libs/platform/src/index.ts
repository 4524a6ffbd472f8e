export * from './platform-config';
export * from './tokens';
export * from './platform.module';
export * from './run-service';
export * from './nest-logger';
export * from './reconcile-queue';
export * from './reconcile-record';

export * from './real-services';
export * from './service-process';

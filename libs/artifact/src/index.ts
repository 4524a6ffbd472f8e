export * from './untar';
export * from './fetch-artifact';

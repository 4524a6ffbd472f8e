export * from './object-ref';
export * from './inventory';
export * from './apply-order';
export * from './health';

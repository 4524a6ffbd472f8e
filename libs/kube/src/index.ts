export * from './object-ref';
export * from './inventory';
export * from './apply-order';
export * from './health';
export * from './kube-client';
export * from './object-watcher';
export * from './resource-manager';
export * from './lease-lock';

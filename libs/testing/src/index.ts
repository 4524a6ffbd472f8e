export * from './real-services';
export * from './service-process';
export * from './git-server';
export * from './git-ssh-server';
export * from './gitlab-server';
export * from './helm-repository-server';
export * from './podinfo-chart';
export * from './http-proxy';

/** Condition types Flux uses on every toolkit object. */
export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  Healthy: 'Healthy',
  ArtifactInStorage: 'ArtifactInStorage',
  FetchFailed: 'FetchFailed',
  SourceVerified: 'SourceVerified',
  IncludeUnavailable: 'IncludeUnavailable',
  StorageOperationFailed: 'StorageOperationFailed',
  BuildFailed: 'BuildFailed',
  ArtifactOutdated: 'ArtifactOutdated',
  Released: 'Released',
  Remediated: 'Remediated',
  TestSuccess: 'TestSuccess',
} as const;

/** A Flux condition type. */
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** Flux's PascalCase reasons, shared by status conditions and Failed events. */
export const Reason = {
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Progressing: 'Progressing',
  ProgressingWithRetry: 'ProgressingWithRetry',
  DependencyNotReady: 'DependencyNotReady',
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  ReconciliationFailed: 'ReconciliationFailed',
  ArtifactFailed: 'ArtifactFailed',
  ArtifactUpToDate: 'ArtifactUpToDate',
  BuildFailed: 'BuildFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  HealthCheckCanceled: 'HealthCheckCanceled',
  PruneFailed: 'PruneFailed',
  GitOperationFailed: 'GitOperationFailed',
  GitOperationSucceeded: 'GitOperationSucceeded',
  AuthenticationFailed: 'AuthenticationFailed',
  URLInvalid: 'URLInvalid',
  NewRevision: 'NewRevision',
  StorageOperationFailed: 'StorageOperationFailed',
  Suspended: 'Suspended',
  InvalidSecret: 'InvalidSecret',
  InvalidSemVer: 'InvalidSemVer',
  InvalidConfig: 'InvalidConfig',
  TokenNotFound: 'TokenNotFound',
  ValidationFailed: 'ValidationFailed',
  DeletionFailed: 'DeletionFailed',
  InstallFailed: 'InstallFailed',
  UpgradeFailed: 'UpgradeFailed',
  RollbackSucceeded: 'RollbackSucceeded',
  UninstallSucceeded: 'UninstallSucceeded',
  NotificationFailed: 'NotificationFailed',
} as const;

/** A Flux reason. Events may carry reasons outside this list; the list is the shared vocabulary. */
export type Reason = (typeof Reason)[keyof typeof Reason];

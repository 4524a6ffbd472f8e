import { HelmError } from '../errors';
import type { Release, ReleaseStatus } from './release';

/** The revision with the highest version, or undefined for an empty history. */
export function latestRelease(history: readonly Release[]): Release | undefined {
  return history.reduce<Release | undefined>((best, r) => (!best || r.version > best.version ? r : best), undefined);
}

/** The newest revision whose status is `deployed` (what `helm upgrade` and rollback start from). */
export function lastDeployed(history: readonly Release[]): Release | undefined {
  return latestRelease(history.filter((r) => r.info.status === 'deployed'));
}

/** The version the next revision gets: one more than the highest stored, 1 for a first install. */
export function nextVersion(history: readonly Release[]): number {
  return (latestRelease(history)?.version ?? 0) + 1;
}

/** Whether a status means an operation is still in flight (Helm refuses another one: "another operation is in progress"). */
export function isPending(status: ReleaseStatus): boolean {
  return status === 'pending-install' || status === 'pending-upgrade' || status === 'pending-rollback' || status === 'uninstalling';
}

/** A copy of the release with a new status and description (Helm's SetStatus). */
export function withStatus(release: Release, status: ReleaseStatus, description: string): Release {
  return { ...release, info: { ...release.info, status, description } };
}

const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Helm's release name rule (DNS-1123 subdomain, at most 53 characters so Secret names fit); throws HelmError. */
export function validateReleaseName(name: string): void {
  if (!name || name.length > 53 || !RELEASE_NAME.test(name)) {
    throw new HelmError(
      `release name "${name}": invalid release name, must match regex ${RELEASE_NAME.source} and the length must not be longer than 53`,
    );
  }
}

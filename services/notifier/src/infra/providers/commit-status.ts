import type { FluxEvent } from '../../domain/flux-event';

/** The commit SHA of a Flux revision: `main@sha1:<sha>`, `sha1:<sha>`, or the legacy `main/<sha>`. */
export function commitOf(revision: string): string | undefined {
  const match = /(?:^|@|\/)sha1:([0-9a-f]{40})$/.exec(revision) ?? /^(?:[^@]*\/)?([0-9a-f]{40})$/.exec(revision);
  return match?.[1];
}

/** Flux's commit status name: `<kind>/<name>/<first segment of the Provider's UID>`, lower case. */
export function commitStatusName(event: FluxEvent, providerUid: string): string {
  const { kind, name } = event.involvedObject;
  return `${kind}/${name}/${providerUid.split('-')[0] ?? ''}`.toLowerCase();
}

/** Flux's description: the reason split at capitals, lower case (`ReconciliationSucceeded` → `reconciliation succeeded`). */
export function commitStatusDescription(event: FluxEvent): string {
  return event.reason
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
}

/** Splits a repository address into its API host and `owner/repo` path (".git" dropped). */
export function parseRepositoryAddress(address: string, provider: string): { origin: string; project: string } {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new Error(`${provider} needs spec.address to be a repository URL such as https://host/owner/repo`);
  }
  const project = url.pathname.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
  if (!project.includes('/')) throw new Error(`${provider} needs spec.address to name a repository (https://host/owner/repo), got path "${url.pathname}"`);
  return { origin: url.origin, project };
}

/** Whether an event carries no commit status (Flux skips progressing events). */
export function isProgressing(event: FluxEvent): boolean {
  return event.reason === 'Progressing' || event.reason === 'ProgressingWithRetry';
}

/** The commit an event sets a status on, or why it sets none (progressing events, revisions without a commit). */
export function statusTarget(event: FluxEvent): { sha: string } | { skipped: string } {
  if (isProgressing(event)) return { skipped: 'progressing events carry no commit status' };
  const revision = event.metadata?.['revision'];
  const sha = revision ? commitOf(revision) : undefined;
  return sha ? { sha } : { skipped: `no commit in revision "${revision ?? ''}"` };
}

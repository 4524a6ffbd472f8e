import { sha256Digest } from '@ferry/artifact';
import { ReconcileFailure, Reason, type HelmRepository } from '@ferry/contracts';
import { safeUrl } from '../domain/git-ref';
import { ChartBuildReason } from '../domain/helm-chart';
import { chartDownloadUrl, parseHelmIndex, type ChartVersionEntry, type HelmIndex } from '../domain/helm-index';
import { HelmHttpError, type HelmAccess, type HelmGetter, type HttpValidators } from './helm-ports';
import type { SecretReader } from './ports';

/** Limits of one GET. */
interface GetOptions {
  timeoutMs: number;
  maxBytes: number;
}

/** A fetched index: 304 (unchanged since `validators`), or its body, parsed and checked. */
export type IndexAnswer = { notModified: true } | { notModified: false; body: Buffer; index: HelmIndex; validators: HttpValidators };

/** `<url>/index.yaml` of a chart repository, whether its URL ends with a slash or not. */
export function helmIndexUrl(repositoryUrl: string): string {
  return `${repositoryUrl.replace(/\/+$/, '')}/index.yaml`;
}

/**
 * GETs a chart repository's index.yaml (conditionally, when `validators` has any) and checks it is a Helm
 * index; failures name `where` (401/403 are AuthenticationFailed).
 */
export async function fetchHelmIndex(http: HelmGetter, repositoryUrl: string, access: HelmAccess, options: GetOptions, validators: HttpValidators, where: string): Promise<IndexAnswer> {
  const url = helmIndexUrl(repositoryUrl);
  const answer = await http.getIfChanged(url, access, options, validators).catch((error: unknown) => {
    throw httpFailure(error, `failed to fetch Helm repository index of ${where}`);
  });
  if (answer.notModified) return answer;
  return { ...answer, index: parseHelmIndex(answer.body.toString('utf8'), `${where} (${safeUrl(url)})`) };
}

/** The repository a chart is pulled from. */
export interface ChartRepositoryRef {
  url: string;
  passCredentials: boolean;
}

/**
 * Downloads a chart version of an index and checks it against the index's digest. Credentials go to the
 * repository's own host only, unless passCredentials says otherwise (as Helm).
 */
export async function pullChart(http: HelmGetter, repository: ChartRepositoryRef, access: HelmAccess, entry: ChartVersionEntry, options: GetOptions, where: string): Promise<Buffer> {
  const url = chartDownloadUrl(repository.url, entry.urls[0] as string);
  const sameHost = new URL(url).host === new URL(repository.url).host;
  const { username: _u, password: _p, ...tlsOnly } = access;
  const archive = await http.get(url, sameHost || repository.passCredentials ? access : tlsOnly, options).catch((error: unknown) => {
    throw chartPullFailure(error, `chart pull error: failed to download chart '${entry.name}' version '${entry.version}' for ${where}`);
  });
  if (entry.digest) {
    const actual = sha256Digest(archive);
    if (actual !== `sha256:${entry.digest}`) {
      throw new ReconcileFailure(
        ChartBuildReason.Pull,
        'verify',
        `chart pull error: digest mismatch for chart '${entry.name}' version '${entry.version}' of ${where}: the index says sha256:${entry.digest}, the download has ${actual}`,
      );
    }
  }
  return archive;
}

/**
 * Credentials of a HelmRepository: basic auth from `secretRef` (`username`, `password`), TLS from
 * `certSecretRef` (`ca.crt`, `tls.crt`, `tls.key`). A missing Secret or half a key pair fails naming the Secret.
 */
export async function helmAccess(secrets: SecretReader, repository: HelmRepository): Promise<HelmAccess> {
  const namespace = repository.metadata.namespace ?? 'default';
  const read = async (name: string) => {
    const data = await secrets.read(namespace, name).catch((error: unknown) => {
      throw new ReconcileFailure(Reason.AuthenticationFailed, 'fetch', `failed to get secret '${namespace}/${name}': ${error instanceof Error ? error.message : String(error)}`);
    });
    if (!data) throw new ReconcileFailure(Reason.AuthenticationFailed, 'fetch', `failed to get secret '${namespace}/${name}': secrets "${name}" not found`);
    return data;
  };
  const access: HelmAccess = {};
  if (repository.spec.secretRef) {
    const data = await read(repository.spec.secretRef.name);
    if (data['username'] !== undefined || data['password'] !== undefined) {
      if (!data['username'] || !data['password']) {
        throw new ReconcileFailure(Reason.InvalidSecret, 'fetch', `invalid secret '${namespace}/${repository.spec.secretRef.name}': basic auth needs both 'username' and 'password'`, false);
      }
      Object.assign(access, { username: data['username'], password: data['password'] });
    }
  }
  if (repository.spec.certSecretRef) {
    const name = repository.spec.certSecretRef.name;
    const data = await read(name);
    if ((data['tls.crt'] === undefined) !== (data['tls.key'] === undefined)) {
      throw new ReconcileFailure(Reason.InvalidSecret, 'fetch', `invalid secret '${namespace}/${name}': a client certificate needs both 'tls.crt' and 'tls.key'`, false);
    }
    if (data['ca.crt'] === undefined && data['tls.crt'] === undefined) {
      throw new ReconcileFailure(Reason.InvalidSecret, 'fetch', `invalid secret '${namespace}/${name}': expected 'ca.crt' or 'tls.crt' and 'tls.key'`, false);
    }
    Object.assign(access, {
      ...(data['ca.crt'] ? { ca: data['ca.crt'] } : {}),
      ...(data['tls.crt'] ? { cert: data['tls.crt'], key: data['tls.key'] } : {}),
    });
  }
  return access;
}

/** A failed GET as a reconcile failure: 401/403 are AuthenticationFailed, the rest of the fetch fails with Flux's reason. */
export function httpFailure(error: unknown, what: string): ReconcileFailure {
  if (error instanceof ReconcileFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  const status = error instanceof HelmHttpError ? error.status : undefined;
  if (status === 401 || status === 403) return new ReconcileFailure(Reason.AuthenticationFailed, 'fetch', `${what}: ${message}`);
  return new ReconcileFailure(Reason.Failed, 'fetch', `${what}: ${message}`);
}

/** A failed chart download: it keeps its AuthenticationFailed reason; anything else is Flux's ChartPullError. */
export function chartPullFailure(error: unknown, what: string): ReconcileFailure {
  const failure = httpFailure(error, what);
  return failure.reason === Reason.AuthenticationFailed ? failure : new ReconcileFailure(ChartBuildReason.Pull, failure.stage, failure.message, failure.retryable);
}

import semver from 'semver';
import { Reason, type GitRepositoryRef } from '@ferry/contracts';
import { ReconcileFailure } from '@ferry/contracts';

/** One ref of a remote's advertisement: `refs/heads/main` → commit (tags peeled to their commit). */
export interface AdvertisedRef {
  ref: string;
  oid: string;
  /** The annotated tag object the ref points at, when `oid` is its peeled commit. */
  object?: string;
}

/** A `spec.ref` resolved against the remote: which ref to fetch, which commit to check out, how to name it. */
export interface ResolvedRef {
  /** Full ref to fetch (`refs/heads/main`, `refs/tags/v1.2.0`); undefined for a bare commit on the default branch. */
  fetchRef: string | undefined;
  /** The commit sha the artifact is built from. */
  commit: string;
  /** Flux's revision: `main@sha1:<sha>`, `v1.2.0@sha1:<sha>`, `refs/pull/1/head@sha1:<sha>` or `sha1:<sha>`. */
  revision: string;
  /** The tag the commit was reached through (tag, semver or a `refs/tags/` name): what `verify` mode Tag checks. */
  tag?: { name: string; oid: string };
}

/** Strips userinfo (`user:pass@`) from a URL so it can appear in a message, a status or an event. */
export function safeUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i, '$1');
}

/** Flux's default when `spec.ref` is empty: branch `master`. */
export const DEFAULT_BRANCH = 'master';

/** Flux's revision string for a commit checked out from a named ref (`main`, `v1.0.0`) or none. */
export function formatRevision(name: string | undefined, commit: string): string {
  return name ? `${name}@sha1:${commit}` : `sha1:${commit}`;
}

/** The ref of `spec.ref` that wins, in Flux's precedence: commit > name > semver > tag > branch. */
export function refKind(ref: GitRepositoryRef | undefined): 'commit' | 'name' | 'semver' | 'tag' | 'branch' {
  if (ref?.commit) return 'commit';
  if (ref?.name) return 'name';
  if (ref?.semver) return 'semver';
  if (ref?.tag) return 'tag';
  return 'branch';
}

/**
 * Resolves `spec.ref` against the refs a remote advertises (tags already peeled), without fetching anything.
 * A commit ref resolves to itself (the branch, if any, is fetched to find it). Throws a ReconcileFailure naming
 * the ref when it does not exist or the semver range is invalid or matches no tag.
 */
export function resolveRef(ref: GitRepositoryRef | undefined, advertised: readonly AdvertisedRef[], url: string): ResolvedRef {
  const lookup = new Map(advertised.map((entry) => [entry.ref, entry.oid]));
  const objects = new Map(advertised.flatMap((entry) => (entry.object ? [[entry.ref.replace(/^refs\/tags\//, ''), entry.object] as const] : [])));
  const kind = refKind(ref);
  if (kind === 'commit') {
    const commit = (ref?.commit as string).toLowerCase();
    if (!/^[0-9a-f]{40}$/.test(commit)) {
      throw new ReconcileFailure(Reason.InvalidConfig, 'fetch', `invalid commit '${ref?.commit}': must be a 40 hex digit SHA-1`, false);
    }
    const branch = ref?.branch;
    if (branch && !lookup.has(`refs/heads/${branch}`)) throw missing(`branch '${branch}'`, url);
    return { fetchRef: branch ? `refs/heads/${branch}` : undefined, commit, revision: formatRevision(branch, commit) };
  }
  if (kind === 'name') {
    const name = ref?.name as string;
    const oid = lookup.get(name);
    if (!oid) throw missing(`reference '${name}'`, url);
    const tag = name.startsWith('refs/tags/') ? tagOf(name.slice('refs/tags/'.length), oid, objects) : {};
    return { fetchRef: name, commit: oid, revision: formatRevision(name, oid), ...tag };
  }
  if (kind === 'semver') {
    const range = ref?.semver as string;
    if (semver.validRange(range) === null) {
      throw new ReconcileFailure(Reason.InvalidSemVer, 'fetch', `semver parse error: '${range}' is not a valid range`, false);
    }
    let best: { tag: string; version: string; oid: string } | undefined;
    for (const entry of advertised) {
      if (!entry.ref.startsWith('refs/tags/')) continue;
      const tag = entry.ref.slice('refs/tags/'.length);
      const version = semver.valid(tag.replace(/^v/, ''));
      if (!version || !semver.satisfies(version, range)) continue;
      if (!best || semver.gt(version, best.version)) best = { tag, version, oid: entry.oid };
    }
    if (!best) throw missing(`tag matching semver range '${range}'`, url);
    return { fetchRef: `refs/tags/${best.tag}`, commit: best.oid, revision: formatRevision(best.tag, best.oid), ...tagOf(best.tag, best.oid, objects) };
  }
  if (kind === 'tag') {
    const tag = ref?.tag as string;
    const oid = lookup.get(`refs/tags/${tag}`);
    if (!oid) throw missing(`tag '${tag}'`, url);
    return { fetchRef: `refs/tags/${tag}`, commit: oid, revision: formatRevision(tag, oid), ...tagOf(tag, oid, objects) };
  }
  const branch = ref?.branch ?? DEFAULT_BRANCH;
  const oid = lookup.get(`refs/heads/${branch}`);
  if (!oid) throw missing(`branch '${branch}'`, url);
  return { fetchRef: `refs/heads/${branch}`, commit: oid, revision: formatRevision(branch, oid) };
}

// A lightweight tag points at the commit itself; an annotated one at its tag object.
function tagOf(name: string, commit: string, objects: ReadonlyMap<string, string>): { tag: { name: string; oid: string } } {
  return { tag: { name, oid: objects.get(name) ?? commit } };
}

function missing(what: string, url: string): ReconcileFailure {
  return new ReconcileFailure(Reason.GitOperationFailed, 'fetch', `failed to checkout and determine revision: unable to resolve ${what} in '${safeUrl(url)}': not found`);
}

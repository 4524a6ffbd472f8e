import { formatRevision, resolveRef, type AdvertisedRef } from './git-ref';

const sha = (n: number) => String(n).repeat(40).slice(0, 40);
const refs: AdvertisedRef[] = [
  { ref: 'refs/heads/master', oid: sha(1) },
  { ref: 'refs/heads/main', oid: sha(2) },
  { ref: 'refs/tags/v1.0.0', oid: sha(3) },
  { ref: 'refs/tags/v1.2.0', oid: sha(4), object: sha(8) },
  { ref: 'refs/tags/v2.0.0-rc.1', oid: sha(5) },
  { ref: 'refs/tags/not-semver', oid: sha(6) },
  { ref: 'refs/pull/7/head', oid: sha(7) },
];
const url = 'https://example.invalid/app.git';

describe('resolveRef', () => {
  it('defaults to branch master as Flux does', () => {
    expect(resolveRef(undefined, refs, url)).toEqual({ fetchRef: 'refs/heads/master', commit: sha(1), revision: `master@sha1:${sha(1)}` });
  });

  it('resolves a branch and a tag to "<name>@sha1:<commit>"', () => {
    expect(resolveRef({ branch: 'main' }, refs, url).revision).toBe(`main@sha1:${sha(2)}`);
    expect(resolveRef({ tag: 'v1.0.0' }, refs, url)).toEqual({ fetchRef: 'refs/tags/v1.0.0', commit: sha(3), revision: `v1.0.0@sha1:${sha(3)}`, tag: { name: 'v1.0.0', oid: sha(3) } });
  });

  it('keeps the tag a commit was reached through: the annotated tag object, or the commit for a lightweight tag', () => {
    expect(resolveRef({ semver: '1.x' }, refs, url).tag).toEqual({ name: 'v1.2.0', oid: sha(8) });
    expect(resolveRef({ name: 'refs/tags/v1.2.0' }, refs, url).tag).toEqual({ name: 'v1.2.0', oid: sha(8) });
    expect(resolveRef({ branch: 'main' }, refs, url).tag).toBeUndefined();
  });

  it('picks the highest tag in a semver range, ignoring pre-releases and non-semver tags', () => {
    expect(resolveRef({ semver: '>=1.0.0 <2.0.0' }, refs, url).revision).toBe(`v1.2.0@sha1:${sha(4)}`);
    expect(resolveRef({ semver: '1.0.x' }, refs, url).revision).toBe(`v1.0.0@sha1:${sha(3)}`);
  });

  it('uses the full ref name for `name` and the bare sha for `commit`', () => {
    expect(resolveRef({ name: 'refs/pull/7/head' }, refs, url).revision).toBe(`refs/pull/7/head@sha1:${sha(7)}`);
    expect(resolveRef({ commit: sha(9) }, refs, url)).toEqual({ fetchRef: undefined, commit: sha(9), revision: `sha1:${sha(9)}` });
    expect(resolveRef({ branch: 'main', commit: sha(9) }, refs, url).revision).toBe(`main@sha1:${sha(9)}`);
  });

  it('follows Flux precedence: commit > name > semver > tag > branch', () => {
    expect(resolveRef({ branch: 'main', tag: 'v1.0.0' }, refs, url).revision).toBe(`v1.0.0@sha1:${sha(3)}`);
    expect(resolveRef({ tag: 'v1.0.0', semver: '1.2.x' }, refs, url).revision).toBe(`v1.2.0@sha1:${sha(4)}`);
  });

  it('fails with a message naming what is missing and where', () => {
    expect(() => resolveRef({ branch: 'nope' }, refs, url)).toThrow(`unable to resolve branch 'nope' in '${url}'`);
    expect(() => resolveRef({ tag: 'v9' }, refs, url)).toThrow(expect.objectContaining({ reason: 'GitOperationFailed', retryable: true }));
    expect(() => resolveRef({ semver: '>=5.0.0' }, refs, url)).toThrow("tag matching semver range '>=5.0.0'");
  });

  it('rejects an invalid semver range or commit as terminal errors', () => {
    expect(() => resolveRef({ semver: 'not a range!' }, refs, url)).toThrow(expect.objectContaining({ reason: 'InvalidSemVer', retryable: false }));
    expect(() => resolveRef({ commit: 'abc' }, refs, url)).toThrow(expect.objectContaining({ reason: 'InvalidConfig', retryable: false }));
  });
});

describe('formatRevision', () => {
  it('writes Flux revisions', () => {
    expect(formatRevision('main', sha(1))).toBe(`main@sha1:${sha(1)}`);
    expect(formatRevision(undefined, sha(1))).toBe(`sha1:${sha(1)}`);
  });
});

import { ReconcileFailure } from '@ferry/contracts';
import { chartLayerOf, ociTag, parseBearerChallenge, parseOciRepositoryUrl, resolveOciChartVersion, tokenOf, tokenUrl, type BearerChallenge } from './oci-chart';

const WHERE = 'HelmRepository ns/charts';
const LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const DIGEST = `sha256:${'b'.repeat(64)}`;

function failureOf(run: () => unknown): ReconcileFailure {
  try {
    run();
  } catch (error) {
    if (error instanceof ReconcileFailure) return error;
    throw error;
  }
  throw new Error('expected a ReconcileFailure');
}

describe('OCI charts', () => {
  it('splits oci:// URLs into registry and path, and refuses other schemes, userinfo and queries', () => {
    expect(parseOciRepositoryUrl('oci://ghcr.io/stefanprodan/charts/', WHERE)).toEqual({ registry: 'ghcr.io', path: 'stefanprodan/charts' });
    expect(parseOciRepositoryUrl('oci://127.0.0.1:5000', WHERE)).toEqual({ registry: '127.0.0.1:5000', path: '' });
    expect(failureOf(() => parseOciRepositoryUrl('https://ghcr.io/charts', WHERE))).toMatchObject({
      reason: 'URLInvalid',
      retryable: false,
      message: "HelmRepository ns/charts: invalid OCI URL: URL scheme must be 'oci' for type 'oci'",
    });
    const userinfo = failureOf(() => parseOciRepositoryUrl('oci://me:s3cret@ghcr.io/charts', WHERE));
    expect(userinfo.message).toBe('HelmRepository ns/charts: invalid OCI URL: credentials in the URL are not allowed: use spec.secretRef');
    expect(failureOf(() => parseOciRepositoryUrl('oci://ghcr.io/charts?x=1', WHERE)).reason).toBe('URLInvalid');
  });

  it('resolves a version among tags as Helm does, reading `_` back as `+` and ignoring tags that are not semver', () => {
    const tags = ['6.0.0', '6.1.0', '6.1.1_build.2', '7.0.0-rc.1', 'latest'];
    expect(resolveOciChartVersion(tags, 'podinfo', 'oci://r/podinfo', '6.x')).toBe('6.1.1+build.2');
    expect(resolveOciChartVersion(tags, 'podinfo', 'oci://r/podinfo', '*')).toBe('6.1.1+build.2');
    expect(resolveOciChartVersion(tags, 'podinfo', 'oci://r/podinfo', '6.0.0')).toBe('6.0.0');
    expect(resolveOciChartVersion(tags, 'podinfo', 'oci://r/podinfo', '>=7.0.0-0')).toBe('7.0.0-rc.1');
    expect(failureOf(() => resolveOciChartVersion(tags, 'podinfo', 'oci://r/podinfo', '>=8.0.0'))).toMatchObject({
      reason: 'ChartReferenceError',
      message: "chart reference error: no 'podinfo' chart with version matching '>=8.0.0' found",
    });
    expect(failureOf(() => resolveOciChartVersion(['latest'], 'podinfo', 'oci://r/podinfo', '*')).message).toBe(
      "chart reference error: no chart versions found for 'oci://r/podinfo': the repository has no semver tags",
    );
    expect(ociTag('6.1.1+build.2')).toBe('6.1.1_build.2');
  });

  it('finds the one Helm chart layer of a manifest, and names what is wrong with one that has none', () => {
    const manifest = (layers: unknown) => JSON.stringify({ schemaVersion: 2, config: {}, layers });
    expect(chartLayerOf(manifest([{ mediaType: 'application/vnd.cncf.helm.chart.provenance.v1.prov', digest: DIGEST, size: 1 }, { mediaType: LAYER, digest: DIGEST, size: 42 }]), WHERE)).toEqual({
      digest: DIGEST,
      size: 42,
    });
    expect(failureOf(() => chartLayerOf(manifest([]), WHERE))).toMatchObject({
      reason: 'ChartPullError',
      message: `chart pull error: invalid OCI manifest of ${WHERE}: expected one layer of type '${LAYER}', found 0`,
    });
    expect(failureOf(() => chartLayerOf('<html>', WHERE)).message).toContain('not JSON');
    expect(failureOf(() => chartLayerOf(manifest([{ mediaType: LAYER, digest: 'md5:abc', size: 1 }]), WHERE)).message).toContain("chart layer digest 'md5:abc' is not a sha256 digest");
  });
});

describe('registry token challenges', () => {
  it('reads a Bearer challenge, with commas inside quoted values, and builds the token URL from it', () => {
    const challenge = parseBearerChallenge('Bearer realm="https://auth.example.invalid/token",service="registry.example.invalid",scope="repository:charts/podinfo:pull,push"');
    expect(challenge).toEqual({ realm: 'https://auth.example.invalid/token', service: 'registry.example.invalid', scope: 'repository:charts/podinfo:pull,push' });
    expect(tokenUrl(challenge as BearerChallenge)).toBe('https://auth.example.invalid/token?service=registry.example.invalid&scope=repository%3Acharts%2Fpodinfo%3Apull%2Cpush');
    expect(parseBearerChallenge('bearer realm=https://auth.example.invalid/token')).toEqual({ realm: 'https://auth.example.invalid/token' });
    expect(parseBearerChallenge('Basic realm="registry"')).toBeUndefined();
    expect(parseBearerChallenge('Bearer realm="file:///etc/passwd"')).toBeUndefined();
    expect(parseBearerChallenge(undefined)).toBeUndefined();
  });

  it('takes the token or the OAuth2 access_token of a token answer', () => {
    expect(tokenOf('{"token":"abc","expires_in":300}')).toBe('abc');
    expect(tokenOf('{"access_token":"xyz"}')).toBe('xyz');
    expect(tokenOf('{"token":""}')).toBeUndefined();
    expect(tokenOf('<html>')).toBeUndefined();
  });
});

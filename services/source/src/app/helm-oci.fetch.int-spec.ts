import { ReconcileFailure, type HelmRepository } from '@ferry/contracts';
import { OciRegistryServer, podinfoLikeChart } from '@ferry/testing';
import { HttpHelmGetter } from '../infra/http-helm.getter';
import { checkOciRegistry, OciRegistrySession, pullOciChart, resolveOciChart } from './helm-oci.fetch';

const repositoryAt = (url: string): HelmRepository => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'HelmRepository',
  metadata: { name: 'oci', namespace: 'ns', generation: 1 },
  spec: { url, interval: '5m', timeout: '60s', passCredentials: false, insecure: true, suspend: false, type: 'oci', provider: 'generic' },
});

describe('OCI registry session against a loopback registry with the Bearer token flow', () => {
  let registry: OciRegistryServer;

  beforeAll(async () => {
    registry = await OciRegistryServer.start({ basic: { username: 'oci', password: 'tok-pw' }, token: true });
  });
  afterAll(() => registry.stop());

  it('gets a token for the basic credentials on the first challenge, then resolves and pulls with it', async () => {
    const pushed = registry.pushChart('bearer', podinfoLikeChart('1.2.0'));
    registry.pushChart('bearer', podinfoLikeChart('1.3.0-rc.1'));
    const session = new OciRegistrySession(new HttpHelmGetter(), repositoryAt(registry.url('bearer')), { username: 'oci', password: 'tok-pw' }, 10_000, 'HelmChart ns/podinfo');
    const version = await resolveOciChart(session, 'podinfo', '1.x');
    expect(version).toBe('1.2.0');
    const archive = await pullOciChart(session, 'podinfo', version, 10_000_000);
    expect(archive.equals(pushed.archive)).toBe(true);
    // One challenge and one token, then every request carried it.
    expect(registry.requests.map((r) => `${r.status} ${r.path}`)).toEqual([
      '401 /v2/bearer/podinfo/tags/list',
      '200 /token',
      '200 /v2/bearer/podinfo/tags/list',
      '200 /v2/bearer/podinfo/manifests/1.2.0',
      `200 /v2/bearer/podinfo/blobs/${pushed.layerDigest}`,
    ]);
    await checkOciRegistry(session);
  });

  it('fails with AuthenticationFailed naming the object when the token service refuses the credentials, without the password', async () => {
    const session = new OciRegistrySession(new HttpHelmGetter(), repositoryAt(registry.url('bearer')), { username: 'oci', password: 'wrong-pw' }, 10_000, 'HelmRepository ns/oci');
    const failure = await checkOciRegistry(session).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ReconcileFailure);
    expect(failure).toMatchObject({ reason: 'AuthenticationFailed', message: expect.stringContaining(`failed to get a registry token for HelmRepository ns/oci from http://${registry.host}/token?service=ferry-oci`) });
    expect((failure as Error).message).not.toContain('wrong-pw');
  });

  it('follows a blob redirect to other storage without sending the credentials there', async () => {
    const redirecting = await OciRegistryServer.start({ basic: { username: 'oci', password: 'pw' }, redirectBlobs: true });
    try {
      const pushed = redirecting.pushChart('charts', podinfoLikeChart('2.0.0'));
      const session = new OciRegistrySession(new HttpHelmGetter(), repositoryAt(redirecting.url('charts')), { username: 'oci', password: 'pw' }, 10_000, 'HelmChart ns/podinfo');
      expect((await pullOciChart(session, 'podinfo', '2.0.0', 10_000_000)).equals(pushed.archive)).toBe(true);
      expect(redirecting.requests.map((r) => [r.status, r.path, r.authorized])).toEqual([
        [200, '/v2/charts/podinfo/manifests/2.0.0', true],
        [307, `/v2/charts/podinfo/blobs/${pushed.layerDigest}`, true],
        [200, `/storage/${pushed.layerDigest}`, false],
      ]);
    } finally {
      await redirecting.stop();
    }
  });
});

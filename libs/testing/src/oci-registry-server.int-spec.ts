import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HELM_OCI_MEDIA_TYPES, OciRegistryServer } from './oci-registry-server';
import { podinfoLikeChart } from './podinfo-chart';
import { tempDir } from './real-services';

interface Manifest {
  mediaType: string;
  config: { mediaType: string; digest: string; size: number };
  layers: { mediaType: string; digest: string; size: number }[];
}

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

describe('OciRegistryServer', () => {
  it('stores a pushed chart as a Helm OCI artifact: tags, manifest by tag and digest, config and chart layer', async () => {
    const registry = await OciRegistryServer.start();
    const dir = tempDir();
    try {
      registry.pushChart('charts', podinfoLikeChart('6.0.0'));
      const pushed = registry.pushChart('charts', podinfoLikeChart('6.1.0+build.1'));
      expect(pushed).toMatchObject({ repository: 'charts/podinfo', tag: '6.1.0_build.1', version: '6.1.0+build.1' });
      const base = `http://${registry.host}/v2`;
      expect((await fetch(`${base}/`)).status).toBe(200);
      expect(await (await fetch(`${base}/charts/podinfo/tags/list`)).json()).toEqual({ name: 'charts/podinfo', tags: ['6.0.0', '6.1.0_build.1'] });

      const byTag = await fetch(`${base}/charts/podinfo/manifests/6.1.0_build.1`);
      const manifestBody = Buffer.from(await byTag.arrayBuffer());
      expect(byTag.headers.get('content-type')).toBe(HELM_OCI_MEDIA_TYPES.manifest);
      expect(byTag.headers.get('docker-content-digest')).toBe(sha256(manifestBody));
      expect(pushed.manifestDigest).toBe(sha256(manifestBody));
      const manifest = JSON.parse(manifestBody.toString()) as Manifest;
      expect(manifest.config.mediaType).toBe(HELM_OCI_MEDIA_TYPES.config);
      expect(manifest.layers.map((l) => l.mediaType)).toEqual([HELM_OCI_MEDIA_TYPES.chart]);
      const head = await fetch(`${base}/charts/podinfo/manifests/${pushed.manifestDigest}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('docker-content-digest')).toBe(pushed.manifestDigest);

      const config = await (await fetch(`${base}/charts/podinfo/blobs/${manifest.config.digest}`)).json();
      expect(config).toMatchObject({ name: 'podinfo', version: '6.1.0+build.1', apiVersion: 'v2' });
      const layer = Buffer.from(await (await fetch(`${base}/charts/podinfo/blobs/${manifest.layers[0]?.digest}`)).arrayBuffer());
      expect(sha256(layer)).toBe(pushed.layerDigest);
      expect(layer.length).toBe(manifest.layers[0]?.size);
      writeFileSync(join(dir.path, 'chart.tgz'), layer);
      expect(execFileSync('tar', ['-tzf', join(dir.path, 'chart.tgz')], { encoding: 'utf8' })).toContain('podinfo/Chart.yaml');

      const unknown = await fetch(`${base}/charts/nginx/tags/list`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry: charts/nginx' }] });
      expect((await fetch(`${base}/charts/podinfo/manifests/9.9.9`)).status).toBe(404);

      registry.corruptBlob(pushed.layerDigest, Buffer.from('tampered'));
      expect(await (await fetch(`${base}/charts/podinfo/blobs/${pushed.layerDigest}`)).text()).toBe('tampered');
      expect(registry.requestCount(`/v2/charts/podinfo/tags/list`)).toBe(1);
    } finally {
      dir.remove();
      await registry.stop();
    }
  });

  it('asks for basic auth as registries do', async () => {
    const registry = await OciRegistryServer.start({ basic: { username: 'oci', password: 'pw' } });
    try {
      registry.pushChart('charts', podinfoLikeChart('1.0.0'));
      const anonymous = await fetch(`http://${registry.host}/v2/charts/podinfo/tags/list`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="ferry-oci"');
      expect(await anonymous.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });
      const wrong = await fetch(`http://${registry.host}/v2/`, { headers: { authorization: `Basic ${Buffer.from('oci:nope').toString('base64')}` } });
      expect(wrong.status).toBe(401);
      const ok = await fetch(`http://${registry.host}/v2/charts/podinfo/tags/list`, { headers: { authorization: `Basic ${Buffer.from('oci:pw').toString('base64')}` } });
      expect(await ok.json()).toEqual({ name: 'charts/podinfo', tags: ['1.0.0'] });
      expect(registry.requests.map((r) => [r.status, r.authorized])).toEqual([[401, false], [401, true], [200, true]]);
    } finally {
      await registry.stop();
    }
  });

  it('answers with a Bearer challenge and hands out tokens for the basic credentials when asked for the token flow', async () => {
    const registry = await OciRegistryServer.start({ basic: { username: 'oci', password: 'pw' }, token: true });
    try {
      registry.pushChart('charts', podinfoLikeChart('1.0.0'));
      const basic = { authorization: `Basic ${Buffer.from('oci:pw').toString('base64')}` };
      const challenged = await fetch(`http://${registry.host}/v2/charts/podinfo/tags/list`, { headers: basic });
      expect(challenged.status).toBe(401);
      expect(challenged.headers.get('www-authenticate')).toBe(`Bearer realm="http://${registry.host}/token",service="ferry-oci",scope="repository:charts/podinfo:pull"`);
      expect((await fetch(`http://${registry.host}/token?service=ferry-oci`)).status).toBe(401);
      const { token } = (await (await fetch(`http://${registry.host}/token?service=ferry-oci&scope=repository:charts/podinfo:pull`, { headers: basic })).json()) as { token: string };
      expect(token).toMatch(/^[0-9a-f]{32}$/);
      const ok = await fetch(`http://${registry.host}/v2/charts/podinfo/tags/list`, { headers: { authorization: `Bearer ${token}` } });
      expect(await ok.json()).toEqual({ name: 'charts/podinfo', tags: ['1.0.0'] });
      expect((await fetch(`http://${registry.host}/v2/`, { headers: { authorization: 'Bearer forged' } })).status).toBe(401);
    } finally {
      await registry.stop();
    }
  });

  it('sends blob downloads to another host name when asked to, serving them there without auth', async () => {
    const registry = await OciRegistryServer.start({ basic: { username: 'oci', password: 'pw' }, redirectBlobs: true });
    try {
      const pushed = registry.pushChart('charts', podinfoLikeChart('1.0.0'));
      const redirect = await fetch(`http://${registry.host}/v2/charts/podinfo/blobs/${pushed.layerDigest}`, {
        headers: { authorization: `Basic ${Buffer.from('oci:pw').toString('base64')}` },
        redirect: 'manual',
      });
      expect(redirect.status).toBe(307);
      const location = redirect.headers.get('location') ?? '';
      expect(location).toBe(`http://localhost:${registry.host.split(':')[1]}/storage/${pushed.layerDigest}`);
      expect(Buffer.from(await (await fetch(location)).arrayBuffer()).equals(pushed.archive)).toBe(true);
    } finally {
      await registry.stop();
    }
  });
});

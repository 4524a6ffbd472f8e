import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { loadChartFiles } from '../chart/load-chart';
import { HelmError } from '../errors';
import { lastDeployed, latestRelease, nextVersion, validateReleaseName, withStatus } from './history';
import { decodeRelease, encodeRelease, goTime, newRelease, releaseFromSecret, releaseSecret, type Release } from './release';

// A Secret written by Helm 3 itself (release foobar, revision 3), kept as the API returns it.
const helmSecret = parse(readFileSync(join(__dirname, '../../testdata/release/helm3-secret-foobar.v3.yaml'), 'utf8')) as {
  metadata: { name: string; labels: Record<string, string> };
  type: string;
  data: { release: string };
};
const helmJson = gunzipSync(Buffer.from(Buffer.from(helmSecret.data.release, 'base64').toString('utf8'), 'base64')).toString('utf8');

describe('release records', () => {
  it('decodes a record written by Helm 3', () => {
    const release = releaseFromSecret(helmSecret);
    expect(release.name).toBe('foobar');
    expect(release.namespace).toBe('default');
    expect(release.version).toBe(3);
    expect(release.info).toEqual({
      first_deployed: '2022-04-25T18:15:25.42684393Z',
      last_deployed: '2022-04-25T18:20:21.707645677Z',
      deleted: '',
      description: 'Upgrade complete',
      status: 'deployed',
    });
    expect(release.chart.metadata).toMatchObject({ name: 'boor', version: '0.1.0', apiVersion: 'v2', appVersion: '1.16.0' });
    expect(release.chart.values['replicaCount']).toBe(1);
    expect(release.manifest.startsWith('---\n# Source: boor/templates/ingress.yaml\napiVersion: networking.k8s.io/v1\n')).toBe(true);
    expect(Buffer.from(release.chart.templates[0]?.data ?? '', 'base64').toString()).toContain('kind: Ingress');
  });

  it('encodes a decoded Helm record back to the same JSON, byte for byte', () => {
    const release = releaseFromSecret(helmSecret);
    const reencoded = gunzipSync(Buffer.from(encodeRelease(release), 'base64')).toString('utf8');
    expect(reencoded).toBe(helmJson);
  });

  it('writes the Secret the way the Secrets driver does', () => {
    const release = releaseFromSecret(helmSecret);
    const secret = releaseSecret(release, { modifiedAt: new Date('2024-01-02T03:04:05Z') });
    expect(secret.metadata).toEqual({
      name: 'sh.helm.release.v1.foobar.v3',
      namespace: 'default',
      labels: { name: 'foobar', owner: 'helm', status: 'deployed', version: '3', modifiedAt: '1704164645' },
    });
    expect(secret.type).toBe('helm.sh/release.v1');
    // gzip magic under two layers of base64, as Helm's records start with H4sI once decoded by the API
    expect(Buffer.from(secret.data.release, 'base64').toString('utf8').startsWith('H4sI')).toBe(true);
    expect(releaseFromSecret(secret)).toEqual(release);
    expect(releaseSecret(release, { createdAt: new Date('2024-01-02T03:04:05Z') }).metadata.labels['createdAt']).toBe('1704164645');
  });

  it('reports what is wrong with a record that is not one', () => {
    expect(() => decodeRelease(Buffer.from('{"nope":1}').toString('base64'))).toThrow(HelmError);
    expect(() => releaseFromSecret({ metadata: { name: 'x' }, type: 'Opaque', data: {} })).toThrow('Secret x: type Opaque is not helm.sh/release.v1');
    expect(() => releaseFromSecret({ metadata: { name: 'y' }, type: 'helm.sh/release.v1', data: {} })).toThrow('Secret y: no data.release');
  });

  it('builds a new revision from a rendered chart, with Helm 3 hook records', () => {
    const chart = loadChartFiles({ 'Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n', 'values.yaml': 'a: 1\n' });
    const release = newRelease({
      name: 'app',
      namespace: 'apps',
      version: 1,
      chart,
      config: { b: '<x>' },
      rendered: {
        manifest: '---\n# Source: app/templates/cm.yaml\nkind: ConfigMap\n',
        notes: 'hello',
        hooks: [
          {
            name: 'migrate', kind: 'Job', path: 'app/templates/job.yaml', manifest: 'kind: Job', events: ['pre-install'],
            weight: 0, delete_policies: ['before-hook-creation'], output_log_policies: [], object: { kind: 'Job' },
          },
        ],
      },
      status: 'pending-install',
      description: 'Initial install underway',
      now: new Date('2024-05-06T07:08:09.5Z'),
    });
    const json = gunzipSync(Buffer.from(encodeRelease(release), 'base64')).toString('utf8');
    expect(json).toBe(
      '{"name":"app","info":{"first_deployed":"2024-05-06T07:08:09.5Z","last_deployed":"2024-05-06T07:08:09.5Z","deleted":"",' +
        '"description":"Initial install underway","status":"pending-install","notes":"hello"},' +
        '"chart":{"metadata":{"name":"app","version":"1.0.0","apiVersion":"v2"},"lock":null,"templates":[],"values":{"a":1},"schema":null,"files":[]},' +
        '"config":{"b":"\\u003cx\\u003e"},"manifest":"---\\n# Source: app/templates/cm.yaml\\nkind: ConfigMap\\n",' +
        '"hooks":[{"name":"migrate","kind":"Job","path":"app/templates/job.yaml","manifest":"kind: Job","events":["pre-install"],' +
        '"last_run":{"started_at":"","completed_at":"","phase":""},"delete_policies":["before-hook-creation"]}],' +
        '"version":1,"namespace":"apps"}',
    );
  });

  it('formats times as Go does', () => {
    expect(goTime(new Date('2024-05-06T07:08:09.000Z'))).toBe('2024-05-06T07:08:09Z');
    expect(goTime(new Date('2024-05-06T07:08:09.120Z'))).toBe('2024-05-06T07:08:09.12Z');
  });
});

describe('release history', () => {
  const base = releaseFromSecret(helmSecret);
  const rev = (version: number, status: Release['info']['status']): Release => withStatus({ ...base, version }, status, status);
  const history = [rev(1, 'superseded'), rev(3, 'failed'), rev(2, 'deployed')];

  it('finds the latest revision, the last deployed one and the next version', () => {
    expect(latestRelease(history)?.version).toBe(3);
    expect(lastDeployed(history)?.version).toBe(2);
    expect(nextVersion(history)).toBe(4);
    expect(nextVersion([])).toBe(1);
    expect(latestRelease([])).toBeUndefined();
  });
});

describe('validateReleaseName', () => {
  it('accepts DNS-1123 names up to 53 characters and names the rule otherwise', () => {
    expect(() => validateReleaseName('podinfo-1.apps')).not.toThrow();
    expect(() => validateReleaseName('Podinfo')).toThrow('release name "Podinfo": invalid release name');
    expect(() => validateReleaseName('a'.repeat(54))).toThrow('the length must not be longer than 53');
    expect(() => validateReleaseName('')).toThrow(HelmError);
  });
});

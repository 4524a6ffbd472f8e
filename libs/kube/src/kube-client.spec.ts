import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeClient } from './kube-client';

describe('KubeClient impersonation', () => {
  let server: Server;
  let url = '';
  const seen: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const kubeconfig = () =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 'controller-token' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });

  it('acts as the given user with the Impersonate-User header, keeping its own credentials', async () => {
    const client = KubeClient.fromKubeconfig(kubeconfig());
    await client.version();
    await client.impersonating('system:serviceaccount:apps:deployer').version();
    expect(seen[0]?.['impersonate-user']).toBeUndefined();
    expect(seen[1]?.['impersonate-user']).toBe('system:serviceaccount:apps:deployer');
    expect(seen[1]?.authorization).toBe('Bearer controller-token');
  });
});

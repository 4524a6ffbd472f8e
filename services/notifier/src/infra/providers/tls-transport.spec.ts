import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '@ferry/testing';
import { TlsTransport, tlsMaterialFromSecret } from './tls-transport';

describe('TLS transport (certSecretRef)', () => {
  const dir = tempDir('ferry-tls-');
  let server: Server;
  let url = '';
  let ca = '';
  const bodies: string[] = [];

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir.path, 'key.pem'), '-out', join(dir.path, 'cert.pem')], { stdio: 'ignore' });
    ca = readFileSync(join(dir.path, 'cert.pem'), 'utf8');
    server = createServer({ key: readFileSync(join(dir.path, 'key.pem')), cert: ca }, (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(202).end('accepted');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    dir.remove();
  });

  it('posts over TLS to a server signed by the secret CA', async () => {
    const transport = new TlsTransport(tlsMaterialFromSecret({ 'ca.crt': ca }, 'certs'), 5000);
    const response = await transport.send({ method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
    expect(response).toEqual({ status: 202, body: 'accepted' });
    expect(bodies).toContain('{"a":1}');
  });

  it('refuses a server the CA did not sign, as a retryable DeliveryError', async () => {
    const transport = new TlsTransport({ ca: undefined }, 5000);
    await expect(transport.send({ method: 'POST', url, headers: {}, body: '{}' })).rejects.toMatchObject({ name: 'DeliveryError', retryable: true, statusCode: null });
  });

  it('names the missing key of an incomplete secret', () => {
    expect(() => tlsMaterialFromSecret({ 'tls.crt': 'x' }, 'certs')).toThrow('secret "certs" must hold both "tls.crt" and "tls.key"');
    expect(() => tlsMaterialFromSecret({}, 'certs')).toThrow('secret "certs" has no "ca.crt"');
  });
});

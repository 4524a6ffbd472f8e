import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import { connect as netConnect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '@ferry/testing';
import { NodeHttpTransport, tlsMaterialFromSecret } from './node-http-transport';

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
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    dir.remove();
  });

  it('posts over TLS to a server signed by the secret CA', async () => {
    const transport = new NodeHttpTransport(tlsMaterialFromSecret({ 'ca.crt': ca }, 'certs'), 5000);
    const response = await transport.send({ method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
    expect(response).toEqual({ status: 202, body: 'accepted' });
    expect(bodies).toContain('{"a":1}');
  });

  it('refuses a server the CA did not sign, as a retryable DeliveryError', async () => {
    const transport = new NodeHttpTransport({ ca: undefined }, 5000);
    await expect(transport.send({ method: 'POST', url, headers: {}, body: '{}' })).rejects.toMatchObject({ name: 'DeliveryError', retryable: true, statusCode: null });
  });

  describe('through an HTTP proxy', () => {
    let proxy: HttpServer;
    let proxyUrl: URL;
    const seen: string[] = [];
    const tunnels: { destroy(): void }[] = [];

    beforeAll(async () => {
      proxy = createHttpServer((req, res) => {
        // Forward proxy for http targets: the request line carries the absolute URL.
        seen.push(`${req.method} ${req.url} ${req.headers['proxy-authorization'] ?? ''}`);
        const target = new URL(req.url ?? '');
        const upstream = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        req.pipe(upstream);
      });
      proxy.on('connect', (req, client) => {
        seen.push(`CONNECT ${req.url} ${req.headers['proxy-authorization'] ?? ''}`);
        const [host, port] = (req.url ?? '').split(':');
        tunnels.push(client);
        const upstream = netConnect(Number(port), host, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.pipe(client);
          client.pipe(upstream);
        });
        tunnels.push(upstream);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      proxyUrl = new URL(`http://user:p%40ss@127.0.0.1:${(proxy.address() as AddressInfo).port}`);
    });

    afterAll(async () => {
      for (const socket of tunnels) socket.destroy();
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    });

    it('tunnels https with CONNECT and authenticates to the proxy', async () => {
      const transport = new NodeHttpTransport({ ca }, 5000, proxyUrl);
      const response = await transport.send({ method: 'POST', url, headers: {}, body: '{"via":"proxy"}' });
      expect(response.status).toBe(202);
      expect(bodies).toContain('{"via":"proxy"}');
      const auth = `Basic ${Buffer.from('user:p@ss').toString('base64')}`;
      expect(seen).toContain(`CONNECT ${new URL(url).host} ${auth}`);
    });

    it('sends http requests to the proxy with the absolute URL', async () => {
      const plain = createHttpServer((req, res) => res.writeHead(200).end(`plain ${req.url}`));
      await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
      const target = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/x`;
      try {
        const response = await new NodeHttpTransport({}, 5000, proxyUrl).send({ method: 'POST', url: target, headers: {}, body: '{}' });
        expect(response).toEqual({ status: 200, body: 'plain /x' });
        expect(seen.some((line) => line.startsWith(`POST ${target}`))).toBe(true);
      } finally {
        await new Promise((resolve) => plain.close(resolve));
      }
    });
  });

  it('names the missing key of an incomplete secret', () => {
    expect(() => tlsMaterialFromSecret({ 'tls.crt': 'x' }, 'certs')).toThrow('secret "certs" must hold both "tls.crt" and "tls.key"');
    expect(() => tlsMaterialFromSecret({}, 'certs')).toThrow('secret "certs" has no "ca.crt"');
  });
});

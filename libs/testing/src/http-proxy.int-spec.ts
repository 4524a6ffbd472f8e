import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpProxy } from './http-proxy';

function get(options: Parameters<typeof request>[1] & { url: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(options.url, options, (response: IncomingMessage) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('HttpProxy', () => {
  it('forwards absolute-URL requests and tunnels CONNECT, recording each, and answers 407 without its credentials', async () => {
    const origin = createServer((incoming, outgoing) => outgoing.end(`hello ${incoming.url}`));
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    const target = `127.0.0.1:${(origin.address() as AddressInfo).port}`;
    const proxy = await HttpProxy.start({ username: 'u', password: 'p' });
    const auth = { 'proxy-authorization': `Basic ${Buffer.from('u:p').toString('base64')}` };
    try {
      expect(await get({ url: proxy.url, path: `http://${target}/a`, headers: { ...auth, host: target } })).toEqual({ status: 200, body: 'hello /a' });
      expect(await get({ url: proxy.url, path: `http://${target}/b`, headers: { host: target } })).toMatchObject({ status: 407 });
      const tunnelled = await new Promise<string>((resolve, reject) => {
        request(proxy.url, { method: 'CONNECT', path: target, headers: auth })
          .on('connect', (_response, socket) => {
            socket.write(`GET /c HTTP/1.1\r\nHost: ${target}\r\nConnection: close\r\n\r\n`);
            let raw = '';
            socket.on('data', (chunk: Buffer) => (raw += chunk.toString()));
            socket.on('end', () => resolve(raw));
          })
          .on('error', reject)
          .end();
      });
      expect(tunnelled).toContain('hello /c');
      expect(proxy.records).toEqual([
        { method: 'GET', target: `http://${target}/a`, status: 200 },
        { method: 'GET', target: `http://${target}/b`, status: 407 },
        { method: 'CONNECT', target, status: 200 },
      ]);
    } finally {
      await proxy.stop();
      origin.closeAllConnections();
      await new Promise<void>((resolve) => origin.close(() => resolve()));
    }
  });
});

import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** One request an HttpProxy handled: a CONNECT tunnel to `host:port`, or a forwarded absolute URL. */
export interface ProxyRecord {
  method: string;
  target: string;
  status: number;
}

/**
 * A small HTTP proxy on 127.0.0.1 for tests of clients that must go through one: CONNECT tunnels (HTTPS) and
 * forwarded requests with an absolute URL (plain HTTP), optionally behind `Proxy-Authorization: Basic`.
 */
export class HttpProxy {
  /** Every request handled, in order. */
  readonly records: ProxyRecord[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    /** The proxy's address, e.g. `http://127.0.0.1:41234`. */
    readonly url: string,
  ) {}

  /** Starts a proxy on a random port; with `auth`, requests without those credentials get 407. */
  static async start(auth?: { username: string; password: string }): Promise<HttpProxy> {
    const expected = auth ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` : undefined;
    const allowed = (message: IncomingMessage) => !expected || message.headers['proxy-authorization'] === expected;
    const holder: { proxy?: HttpProxy } = {};
    const server = createServer((incoming, outgoing) => {
      const target = incoming.url ?? '';
      const record = (status: number) => holder.proxy?.records.push({ method: incoming.method ?? 'GET', target, status });
      if (!allowed(incoming)) {
        record(407);
        outgoing.writeHead(407, { 'proxy-authenticate': 'Basic realm="proxy"' }).end();
        return;
      }
      const headers = { ...incoming.headers };
      delete headers['proxy-authorization'];
      const upstream = request(target, { method: incoming.method, headers }, (response) => {
        record(response.statusCode ?? 502);
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      });
      upstream.on('error', () => {
        record(502);
        outgoing.writeHead(502).end();
      });
      incoming.pipe(upstream);
    });
    server.on('connect', (incoming: IncomingMessage, client: Socket, head: Buffer) => {
      const target = incoming.url ?? '';
      if (!allowed(incoming)) {
        holder.proxy?.records.push({ method: 'CONNECT', target, status: 407 });
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\n\r\n');
        return;
      }
      const [host, port] = target.split(':');
      const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
        holder.proxy?.records.push({ method: 'CONNECT', target, status: 200 });
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      holder.proxy?.sockets.add(upstream).add(client);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.proxy = new HttpProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.proxy;
  }

  /** Stops the proxy and closes its tunnels. */
  async stop(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

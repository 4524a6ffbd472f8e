import { Agent as HttpAgent, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import type { Socket } from 'node:net';
import { DeliveryError } from '../../app/ports';
import type { HttpRequest, HttpResponse, HttpTransport } from './http-transport';

/** TLS material from a Provider's `certSecretRef`: Flux's `ca.crt`, and `tls.crt` + `tls.key` for mutual TLS. */
export interface TlsMaterial {
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
}

/** Reads Flux's certSecretRef keys; throws naming the key when the pair is incomplete or nothing is there. */
export function tlsMaterialFromSecret(secret: Record<string, string>, secretName: string): TlsMaterial {
  const ca = secret['ca.crt'] ?? secret['caFile'];
  const cert = secret['tls.crt'];
  const key = secret['tls.key'];
  if ((cert === undefined) !== (key === undefined)) {
    throw new Error(`spec.certSecretRef: secret "${secretName}" must hold both "tls.crt" and "tls.key" (or neither)`);
  }
  if (ca === undefined && cert === undefined) throw new Error(`spec.certSecretRef: secret "${secretName}" has no "ca.crt" (nor "tls.crt"/"tls.key")`);
  return { ca, cert, key };
}

/**
 * Every Provider's transport: node:http(s) with keep-alive connections (undici's fetch costs several times the
 * CPU per request), the Provider's CA and client certificate, an optional HTTP proxy (Flux's `spec.proxy`:
 * absolute-URI requests for http targets, a CONNECT tunnel for https ones), and a per-request timeout.
 */
export class NodeHttpTransport implements HttpTransport {
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;

  constructor(
    private readonly tls: TlsMaterial,
    private readonly timeoutMs: number,
    private readonly proxy?: URL,
  ) {
    // Idle connections time out, so transports replaced on a Provider change or resync do not keep sockets open.
    this.httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16, timeout: timeoutMs });
    this.httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 16, timeout: timeoutMs, ca: tls.ca, cert: tls.cert, key: tls.key });
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const headers = { ...request.headers, ...(request.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(request.body)) } : {}) };
    const fail = (error: Error) => new DeliveryError(`${request.method} request failed: ${error.message}`, null, true);
    let options: RequestOptions & { ca?: string; cert?: string; key?: string };
    let secure = url.protocol === 'https:';
    if (this.proxy && !secure) {
      // A plain proxy request: the proxy gets the absolute URL.
      options = { host: this.proxy.hostname, port: this.proxy.port || 80, path: url.toString(), method: request.method, headers: { ...headers, Host: url.host, ...this.proxyAuth() } };
      secure = false;
    } else {
      const socket = this.proxy ? await this.tunnel(url).catch((error: Error) => Promise.reject(fail(error))) : undefined;
      options = {
        method: request.method,
        headers,
        hostname: url.hostname,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        ...(secure ? { ca: this.tls.ca, cert: this.tls.cert, key: this.tls.key } : {}),
        ...(socket
          ? { createConnection: () => tlsConnect({ socket, servername: url.hostname, ca: this.tls.ca, cert: this.tls.cert, key: this.tls.key }) as unknown as Socket, agent: false }
          : { agent: secure ? this.httpsAgent : this.httpAgent }),
      };
    }
    const send = secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send({ ...options, timeout: this.timeoutMs }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error) => reject(fail(error)));
      });
      req.on('timeout', () => req.destroy(new Error(`timed out after ${this.timeoutMs}ms`)));
      // The URL is left out on purpose: webhook addresses are credentials.
      req.on('error', (error) => reject(fail(error)));
      req.end(request.body);
    });
  }

  private proxyAuth(): Record<string, string> {
    if (!this.proxy?.username) return {};
    const credentials = `${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`;
    return { 'Proxy-Authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
  }

  private tunnel(target: URL): Promise<Socket> {
    const proxy = this.proxy as URL;
    const authority = `${target.hostname}:${target.port || 443}`;
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: proxy.hostname, port: proxy.port || 80, method: 'CONNECT', path: authority, headers: { Host: authority, ...this.proxyAuth() }, timeout: this.timeoutMs });
      req.on('connect', (response, socket: Socket) => {
        if (response.statusCode === 200) resolve(socket);
        else {
          socket.destroy();
          reject(new Error(`proxy refused the tunnel with status ${response.statusCode ?? 0}`));
        }
      });
      req.on('timeout', () => req.destroy(new Error(`proxy tunnel timed out after ${this.timeoutMs}ms`)));
      req.on('error', reject);
      req.end();
    });
  }
}

import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
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

/** node:https with the Provider's CA and client certificate, and a per-request timeout. */
export class TlsTransport implements HttpTransport {
  constructor(
    private readonly tls: TlsMaterial,
    private readonly timeoutMs: number,
  ) {}

  send(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method: request.method,
          headers: { ...request.headers, ...(request.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(request.body)) } : {}) },
          ...(url.protocol === 'https:' ? { ca: this.tls.ca, cert: this.tls.cert, key: this.tls.key } : {}),
          timeout: this.timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', (error) => reject(new DeliveryError(`${request.method} request failed: ${error.message}`, null, true)));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timed out after ${this.timeoutMs}ms`)));
      // The URL is left out on purpose: webhook addresses are credentials.
      req.on('error', (error) => reject(new DeliveryError(`${request.method} request failed: ${error.message}`, null, true)));
      req.end(request.body);
    });
  }
}

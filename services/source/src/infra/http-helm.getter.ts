import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { HelmHttpError, type HelmAccess, type HelmGetter } from '../app/helm-ports';
import { safeUrl } from '../domain/git-ref';

/** GETs Helm repository files over HTTP(S) with basic auth, an extra CA and a client certificate. */
export class HttpHelmGetter implements HelmGetter {
  get(url: string, access: HelmAccess, options: { timeoutMs: number; maxBytes: number }): Promise<Buffer> {
    const target = new URL(url);
    const shown = safeUrl(url);
    const headers: Record<string, string> = { 'User-Agent': 'ferry-source-controller', Accept: '*/*' };
    if (access.username !== undefined || access.password !== undefined) {
      headers['Authorization'] = `Basic ${Buffer.from(`${access.username ?? ''}:${access.password ?? ''}`).toString('base64')}`;
    }
    const tls = target.protocol === 'https:' ? { ...(access.ca ? { ca: [...rootCertificates, access.ca] } : {}), ...(access.cert ? { cert: access.cert } : {}), ...(access.key ? { key: access.key } : {}) } : {};
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Buffer>((resolve, reject) => {
      const req = send(target, { method: 'GET', headers, timeout: options.timeoutMs, ...tls }, (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        if (status < 200 || status > 299) {
          response.resume();
          reject(new HelmHttpError(`failed to fetch ${shown} : ${status} ${response.statusMessage ?? ''}`.trim(), status));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            req.destroy();
            reject(new HelmHttpError(`failed to fetch ${shown} : larger than ${options.maxBytes} bytes`, status));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => resolve(Buffer.concat(chunks)));
        response.on('error', (error) => reject(new HelmHttpError(`failed to fetch ${shown} : ${error.message}`, status)));
      });
      req.on('timeout', () => req.destroy(new Error(`timeout after ${options.timeoutMs}ms`)));
      req.on('error', (error) => reject(new HelmHttpError(`failed to fetch ${shown} : ${error.message}`, undefined)));
      req.end();
    });
  }
}

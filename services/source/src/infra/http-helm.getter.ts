import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { HelmHttpError, type ConditionalAnswer, type HelmAccess, type HelmGetter, type HttpValidators } from '../app/helm-ports';
import { safeUrl } from '../domain/git-ref';

/** An answer with its status and the validators of its body. */
interface Answer {
  status: number;
  body: Buffer;
  validators: HttpValidators;
}

/** Statuses that send the GET elsewhere. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Go's http.Client gives up after 10 redirects. */
const MAX_REDIRECTS = 10;

/**
 * GETs Helm repository files over HTTP(S) with basic auth (or a Bearer token), an extra CA and a client
 * certificate, following redirects (credentials only to the same host).
 */
export class HttpHelmGetter implements HelmGetter {
  async get(url: string, access: HelmAccess, options: { timeoutMs: number; maxBytes: number; accept?: string }): Promise<Buffer> {
    return (await this.send(url, access, options, options.accept ? { Accept: options.accept } : {})).body;
  }

  async getIfChanged(url: string, access: HelmAccess, options: { timeoutMs: number; maxBytes: number }, validators: HttpValidators): Promise<ConditionalAnswer> {
    const headers = {
      ...(validators.etag ? { 'If-None-Match': validators.etag } : {}),
      ...(validators.lastModified ? { 'If-Modified-Since': validators.lastModified } : {}),
    };
    const answer = await this.send(url, access, options, headers);
    return answer.status === 304 ? { notModified: true } : { notModified: false, body: answer.body, validators: answer.validators };
  }

  private send(url: string, access: HelmAccess, options: { timeoutMs: number; maxBytes: number }, extra: Record<string, string>, hops = 0): Promise<Answer> {
    const target = new URL(url);
    const shown = safeUrl(url);
    const headers: Record<string, string> = { 'User-Agent': 'ferry-source-controller', Accept: '*/*', ...extra };
    if (access.bearerToken !== undefined) headers['Authorization'] = `Bearer ${access.bearerToken}`;
    else if (access.username !== undefined || access.password !== undefined) {
      headers['Authorization'] = `Basic ${Buffer.from(`${access.username ?? ''}:${access.password ?? ''}`).toString('base64')}`;
    }
    const tls = target.protocol === 'https:' ? { ...(access.ca ? { ca: [...rootCertificates, access.ca] } : {}), ...(access.cert ? { cert: access.cert } : {}), ...(access.key ? { key: access.key } : {}) } : {};
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Answer>((resolve, reject) => {
      const req = send(target, { method: 'GET', headers, timeout: options.timeoutMs, ...tls }, (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (REDIRECTS.has(status) && location !== undefined) {
          response.resume();
          if (hops >= MAX_REDIRECTS) {
            reject(new HelmHttpError(`failed to fetch ${shown} : stopped after ${MAX_REDIRECTS} redirects`, status));
            return;
          }
          // Registries send blob downloads to other storage (signed URLs): credentials stay with their own host, as Go's client does.
          const next = new URL(location, target);
          const { username: _u, password: _p, bearerToken: _b, ...anonymous } = access;
          resolve(this.send(next.toString(), next.host === target.host ? access : anonymous, options, extra, hops + 1));
          return;
        }
        if (status !== 304 && (status < 200 || status > 299)) {
          response.resume();
          reject(new HelmHttpError(`failed to fetch ${shown} : ${status} ${response.statusMessage ?? ''}`.trim(), status, response.headers['www-authenticate']));
          return;
        }
        const etag = response.headers.etag;
        const lastModified = response.headers['last-modified'];
        const validators = { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
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
        response.on('end', () => resolve({ status, body: Buffer.concat(chunks), validators }));
        response.on('error', (error) => reject(new HelmHttpError(`failed to fetch ${shown} : ${error.message}`, status)));
      });
      req.on('timeout', () => req.destroy(new Error(`timeout after ${options.timeoutMs}ms`)));
      req.on('error', (error) => reject(new HelmHttpError(`failed to fetch ${shown} : ${error.message}`, undefined)));
      req.end();
    });
  }
}

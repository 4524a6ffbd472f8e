import { createHash } from 'node:crypto';
import type { NotificationSender, SendResult } from '../../app/ports';
import type { FluxEvent } from '../../domain/flux-event';
import { commitStatusDescription, commitStatusName, parseRepositoryAddress, statusTarget } from './commit-status';
import { basicAuthorization, failure, jsonHeaders, sendOrFail, type HttpTransport } from './http-transport';

/**
 * Bitbucket Cloud build status (Flux's `bitbucket` provider): the token is `<user>:<app password>`; the status
 * key is the SHA-1 of the commit status name (Bitbucket caps keys at 40 characters). The existing status under
 * that key is read first and not posted again when state and description match. Addresses on bitbucket.org use
 * api.bitbucket.org/2.0; any other host is taken to serve the same API under /2.0.
 */
export class BitbucketProvider implements NotificationSender {
  private readonly api: string;
  private readonly authorization: string;

  constructor(
    private readonly http: HttpTransport,
    private readonly options: { address: string; token: string | undefined; providerUid: string },
  ) {
    if (!options.token) throw new Error('bitbucket needs a token in the secret (key "token") as <user>:<app password>');
    const [username, password, ...rest] = options.token.split(':');
    if (username === undefined || password === undefined || rest.length > 0) {
      throw new Error('bitbucket needs the secret key "token" in the form <user>:<app password>');
    }
    this.authorization = basicAuthorization(username, password);
    const { origin, project } = parseRepositoryAddress(options.address, 'bitbucket');
    if (project.split('/').length !== 2) throw new Error(`bitbucket needs spec.address to name a repository as https://bitbucket.org/owner/repo, got "${project}"`);
    const base = origin === 'https://bitbucket.org' ? 'https://api.bitbucket.org/2.0' : `${origin}/2.0`;
    this.api = `${base}/repositories/${project}`;
  }

  async send(event: FluxEvent): Promise<SendResult> {
    const target = statusTarget(event);
    if ('skipped' in target) return { statusCode: null, skipped: target.skipped };
    const key = createHash('sha1').update(commitStatusName(event, this.options.providerUid)).digest('hex');
    const status = {
      state: event.severity === 'error' ? 'FAILED' : 'SUCCESSFUL',
      key,
      name: `${event.involvedObject.kind}/${event.involvedObject.name}`.toLowerCase(),
      description: commitStatusDescription(event),
      url: 'https://bitbucket.org',
    };
    const headers = { Authorization: this.authorization };
    const statuses = `${this.api}/commit/${target.sha}/statuses/build`;
    const existing = await this.http.send({ method: 'GET', url: `${statuses}/${key}`, headers });
    // 404: no status under this key yet.
    if (existing.status !== 404) {
      if (existing.status < 200 || existing.status >= 300) throw failure('bitbucket', 'GET', existing);
      const current = JSON.parse(existing.body) as { state?: string; description?: string };
      if (current.state === status.state && current.description === status.description) return { statusCode: existing.status, skipped: 'identical commit status exists' };
    }
    const response = await sendOrFail(this.http, { method: 'POST', url: statuses, headers: jsonHeaders(headers), body: JSON.stringify(status) }, 'bitbucket');
    return { statusCode: response.status };
  }
}

import type { NotificationSender, SendResult } from '../../app/ports';
import type { FluxEvent } from '../../domain/flux-event';
import { commitStatusDescription, commitStatusName, parseRepositoryAddress, statusTarget } from './commit-status';
import { failure, jsonHeaders, sendOrFail, type HttpTransport } from './http-transport';

/** A commit status as GitLab lists it. */
interface GitLabStatus {
  name?: string;
  status?: string;
  description?: string | null;
}

/**
 * GitLab commit status (Flux's `gitlab` provider): POST /api/v4/projects/<url-encoded path>/statuses/<sha> with
 * the PRIVATE-TOKEN header. An identical existing status is not posted again, and GitLab's 400 "Cannot
 * transition status" (the status is already in that state) counts as done.
 */
export class GitLabProvider implements NotificationSender {
  private readonly api: string;

  constructor(
    private readonly http: HttpTransport,
    private readonly options: { address: string; token: string | undefined; providerUid: string },
  ) {
    if (!options.token) throw new Error('gitlab needs a token in the secret (key "token")');
    const { origin, project } = parseRepositoryAddress(options.address, 'gitlab');
    this.api = `${origin}/api/v4/projects/${encodeURIComponent(project)}`;
  }

  async send(event: FluxEvent): Promise<SendResult> {
    const target = statusTarget(event);
    if ('skipped' in target) return { statusCode: null, skipped: target.skipped };
    const { sha } = target;
    const status = {
      state: event.severity === 'error' ? 'failed' : 'success',
      name: commitStatusName(event, this.options.providerUid),
      description: commitStatusDescription(event),
    };
    const headers = { 'PRIVATE-TOKEN': this.options.token as string };
    const listed = await sendOrFail(this.http, { method: 'GET', url: `${this.api}/repository/commits/${sha}/statuses?name=${encodeURIComponent(status.name)}`, headers }, 'gitlab');
    const existing = JSON.parse(listed.body) as GitLabStatus[];
    if (existing.some((s) => s.name === status.name && s.status === status.state && s.description === status.description)) {
      return { statusCode: listed.status, skipped: 'identical commit status exists' };
    }
    const request = { method: 'POST' as const, url: `${this.api}/statuses/${sha}`, headers: jsonHeaders(headers), body: JSON.stringify(status) };
    const response = await this.http.send(request);
    if (response.status === 400 && response.body.includes('Cannot transition status')) {
      return { statusCode: response.status, skipped: 'GitLab says the status is already in that state' };
    }
    if (response.status < 200 || response.status >= 300) throw failure('gitlab', 'POST', response);
    return { statusCode: response.status };
  }
}

import type { NotificationSender, SendResult } from '../../app/ports';
import type { FluxEvent } from '../../domain/flux-event';
import { commitStatusDescription, commitStatusName, parseRepositoryAddress, statusTarget } from './commit-status';
import { jsonHeaders, sendOrFail, type HttpTransport } from './http-transport';

interface GitHubStatus {
  context?: string;
  state?: string;
  description?: string | null;
}

/**
 * GitHub commit status (Flux's `github` provider): POST /repos/<owner>/<repo>/statuses/<sha> on api.github.com,
 * or `<host>/api/v3` for GitHub Enterprise; an identical latest status is not posted again.
 */
export class GitHubProvider implements NotificationSender {
  private readonly api: string;

  constructor(
    private readonly http: HttpTransport,
    private readonly options: { address: string; token: string | undefined; providerUid: string },
  ) {
    if (!options.token) throw new Error('github needs a token in the secret (key "token")');
    const { origin, project } = parseRepositoryAddress(options.address, 'github');
    const base = origin === 'https://github.com' ? 'https://api.github.com' : `${origin}/api/v3`;
    this.api = `${base}/repos/${project}`;
  }

  async send(event: FluxEvent): Promise<SendResult> {
    const target = statusTarget(event);
    if ('skipped' in target) return { statusCode: null, skipped: target.skipped };
    const { sha } = target;
    const status = {
      state: event.severity === 'error' ? 'failure' : 'success',
      context: commitStatusName(event, this.options.providerUid),
      description: commitStatusDescription(event),
    };
    const headers = { Authorization: `Bearer ${this.options.token as string}`, Accept: 'application/vnd.github+json' };
    const listed = await sendOrFail(this.http, { method: 'GET', url: `${this.api}/commits/${sha}/statuses?per_page=50`, headers }, 'github');
    // GitHub lists newest first: only the latest status of a context counts.
    const latest = (JSON.parse(listed.body) as GitHubStatus[]).find((s) => s.context === status.context);
    if (latest && latest.state === status.state && latest.description === status.description) {
      return { statusCode: listed.status, skipped: 'identical commit status exists' };
    }
    const body = JSON.stringify(status);
    const response = await sendOrFail(this.http, { method: 'POST', url: `${this.api}/statuses/${sha}`, headers: jsonHeaders(headers), body }, 'github');
    return { statusCode: response.status };
  }
}

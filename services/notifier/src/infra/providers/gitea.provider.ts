import type { NotificationSender, SendResult } from '../../app/ports';
import type { FluxEvent } from '../../domain/flux-event';
import { commitOf, commitStatusDescription, commitStatusName, isProgressing, parseRepositoryAddress } from './commit-status';
import { jsonHeaders, sendOrFail, type HttpTransport } from './http-transport';

interface GiteaStatus {
  context?: string;
  status?: string;
  description?: string;
}

/**
 * Gitea/Forgejo commit status (Flux's `gitea` provider): POST /api/v1/repos/<owner>/<repo>/statuses/<sha> with
 * `Authorization: token …`. Unlike GitHub, progressing events are posted as `pending`. The latest status of the
 * same context with the same state and description is not posted again.
 */
export class GiteaProvider implements NotificationSender {
  private readonly api: string;

  constructor(
    private readonly http: HttpTransport,
    private readonly options: { address: string; token: string | undefined; providerUid: string },
  ) {
    if (!options.token) throw new Error('gitea needs a token in the secret (key "token")');
    const { origin, project } = parseRepositoryAddress(options.address, 'gitea');
    if (project.split('/').length !== 2) throw new Error(`gitea needs spec.address to name a repository as https://host/owner/repo, got "${project}"`);
    this.api = `${origin}/api/v1/repos/${project}`;
  }

  async send(event: FluxEvent): Promise<SendResult> {
    const revision = event.metadata?.['revision'];
    const sha = revision ? commitOf(revision) : undefined;
    if (!sha) return { statusCode: null, skipped: `no commit in revision "${revision ?? ''}"` };
    const status = {
      state: isProgressing(event) ? 'pending' : event.severity === 'error' ? 'failure' : 'success',
      target_url: '',
      description: commitStatusDescription(event),
      context: commitStatusName(event, this.options.providerUid),
    };
    const headers = { Authorization: `token ${this.options.token as string}` };
    const listed = await sendOrFail(this.http, { method: 'GET', url: `${this.api}/statuses/${sha}?limit=50&page=1`, headers }, 'gitea');
    // Newest first; entries without context, state or description say nothing about ours.
    const latest = (JSON.parse(listed.body) as GiteaStatus[]).find((s) => s.context && s.status && s.description && s.context === status.context);
    if (latest && latest.status === status.state && latest.description === status.description) {
      return { statusCode: listed.status, skipped: 'identical commit status exists' };
    }
    const response = await sendOrFail(this.http, { method: 'POST', url: `${this.api}/statuses/${sha}`, headers: jsonHeaders(headers), body: JSON.stringify(status) }, 'gitea');
    return { statusCode: response.status };
  }
}

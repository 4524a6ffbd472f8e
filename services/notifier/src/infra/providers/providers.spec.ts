import { createHmac } from 'node:crypto';
import { DeliveryError } from '../../app/ports';
import type { FluxEvent } from '../../domain/flux-event';
import { kustomizationEvent, providerWith } from '../../../test/provider-builders';
import { alertmanagerPayload } from './alertmanager.provider';
import { commitOf, commitStatusDescription, commitStatusName } from './commit-status';
import type { HttpRequest, HttpResponse, HttpTransport } from './http-transport';
import { createSender, ProviderConfigError } from './provider-factory';

const sha = 'a1'.repeat(20);
const uid = '7f9c2e4a-1b2c-4d5e-8f90-123456789abc';

/** Records requests and answers from a queue (200 {} by default). */
class RecordingTransport implements HttpTransport {
  readonly requests: HttpRequest[] = [];
  constructor(private readonly answers: HttpResponse[] = []) {}
  async send(request: HttpRequest): Promise<HttpResponse> {
    this.requests.push(request);
    return this.answers.shift() ?? { status: 200, body: '{}' };
  }
}

const provider = (spec: Record<string, unknown>) => providerWith(spec, uid);

const event = (overrides: Partial<FluxEvent> = {}): FluxEvent =>
  kustomizationEvent({
    severity: 'info',
    message: 'Deployment/default/podinfo configured',
    reason: 'ReconciliationSucceeded',
    metadata: { revision: `main@sha1:${sha}`, env: 'prod' },
    ...overrides,
  });

describe('slack', () => {
  it('posts one attachment to the webhook: colour by severity, author kind/name.namespace, metadata as sorted fields', async () => {
    const http = new RecordingTransport();
    await createSender(provider({ type: 'slack', address: 'https://hooks.slack.com/services/T/B/X', channel: 'ops' }), undefined, http).send(event());
    expect(http.requests).toHaveLength(1);
    const [request] = http.requests;
    expect(request).toMatchObject({ method: 'POST', url: 'https://hooks.slack.com/services/T/B/X', headers: { 'Content-Type': 'application/json' } });
    expect(request!.headers['Authorization']).toBeUndefined();
    expect(JSON.parse(request!.body!)).toEqual({
      channel: 'ops',
      username: 'kustomize-controller',
      icon_url: '',
      icon_emoji: '',
      attachments: [
        {
          color: 'good',
          author_name: 'kustomization/apps.flux-system',
          text: 'Deployment/default/podinfo configured',
          mrkdwn_in: ['text'],
          fields: [
            { title: 'env', value: 'prod', short: false },
            { title: 'revision', value: `main@sha1:${sha}`, short: false },
          ],
        },
      ],
    });
  });

  it('colours error events danger', async () => {
    const http = new RecordingTransport();
    await createSender(provider({ type: 'slack', address: 'https://hooks.slack.com/x' }), undefined, http).send(event({ severity: 'error' }));
    expect(JSON.parse(http.requests[0]!.body!).attachments[0].color).toBe('danger');
  });

  it('with a bot token posts to chat.postMessage with Authorization: Bearer and fails on ok:false', async () => {
    const http = new RecordingTransport([{ status: 200, body: '{"ok":true}' }, { status: 200, body: '{"ok":false,"error":"channel_not_found"}' }]);
    const sender = createSender(provider({ type: 'slack', channel: 'C123' }), { token: 'xoxb-1' }, http);
    await sender.send(event());
    expect(http.requests[0]).toMatchObject({ url: 'https://slack.com/api/chat.postMessage', headers: { Authorization: 'Bearer xoxb-1' } });
    await expect(sender.send(event())).rejects.toThrow('slack: chat.postMessage failed: channel_not_found');
  });

  it('rejects a token without a channel, naming the field', () => {
    expect(() => createSender(provider({ type: 'slack' }), { token: 't' }, new RecordingTransport())).toThrow('slack with a bot token needs spec.channel');
  });
});

describe('discord', () => {
  it('posts the Slack payload to the webhook /slack endpoint', async () => {
    const http = new RecordingTransport();
    await createSender(provider({ type: 'discord', address: 'https://discord.com/api/webhooks/1/abc' }), undefined, http).send(event());
    expect(http.requests[0]!.url).toBe('https://discord.com/api/webhooks/1/abc/slack');
    expect(JSON.parse(http.requests[0]!.body!).attachments[0].author_name).toBe('kustomization/apps.flux-system');
  });
});

describe('gitlab', () => {
  const address = 'https://gitlab.cn/owner/repo';

  it('lists the statuses, then posts a commit status on the revision commit with PRIVATE-TOKEN', async () => {
    const http = new RecordingTransport([{ status: 200, body: '[]' }, { status: 201, body: '{}' }]);
    const result = await createSender(provider({ type: 'gitlab', address }), { token: 'glpat-x' }, http).send(event());
    expect(result).toEqual({ statusCode: 201 });
    expect(http.requests[0]).toMatchObject({ method: 'GET', url: `https://gitlab.cn/api/v4/projects/owner%2Frepo/repository/commits/${sha}/statuses?name=kustomization%2Fapps%2F7f9c2e4a`, headers: { 'PRIVATE-TOKEN': 'glpat-x' } });
    expect(http.requests[1]).toMatchObject({ method: 'POST', url: `https://gitlab.cn/api/v4/projects/owner%2Frepo/statuses/${sha}`, headers: { 'PRIVATE-TOKEN': 'glpat-x', 'Content-Type': 'application/json' } });
    expect(JSON.parse(http.requests[1]!.body!)).toEqual({ state: 'success', name: 'kustomization/apps/7f9c2e4a', description: 'reconciliation succeeded' });
  });

  it('posts failed for error events', async () => {
    const http = new RecordingTransport([{ status: 200, body: '[]' }]);
    await createSender(provider({ type: 'gitlab', address: `${address}.git` }), { token: 't' }, http).send(event({ severity: 'error', reason: 'HealthCheckFailed' }));
    expect(JSON.parse(http.requests[1]!.body!)).toEqual({ state: 'failed', name: 'kustomization/apps/7f9c2e4a', description: 'health check failed' });
  });

  it('does not re-post an identical status', async () => {
    const existing = [{ name: 'kustomization/apps/7f9c2e4a', status: 'success', description: 'reconciliation succeeded' }];
    const http = new RecordingTransport([{ status: 200, body: JSON.stringify(existing) }]);
    const result = await createSender(provider({ type: 'gitlab', address }), { token: 't' }, http).send(event());
    expect(http.requests).toHaveLength(1);
    expect(result.skipped).toBe('identical commit status exists');
  });

  it('treats 400 "Cannot transition status" as done and other 400s as failures', async () => {
    const transition = new RecordingTransport([{ status: 200, body: '[]' }, { status: 400, body: '{"message":"Cannot transition status via :run from :running"}' }]);
    const sender = createSender(provider({ type: 'gitlab', address }), { token: 't' }, transition);
    expect((await sender.send(event())).skipped).toContain('already');
    const bad = new RecordingTransport([{ status: 200, body: '[]' }, { status: 400, body: '{"message":"state is invalid"}' }]);
    const error = await createSender(provider({ type: 'gitlab', address }), { token: 't' }, bad).send(event()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ statusCode: 400, retryable: false });
  });

  it('skips events without a commit and progressing events', async () => {
    const http = new RecordingTransport();
    const sender = createSender(provider({ type: 'gitlab', address }), { token: 't' }, http);
    expect((await sender.send(event({ metadata: { revision: '6.5.0' } }))).skipped).toContain('no commit');
    expect((await sender.send(event({ reason: 'Progressing' }))).skipped).toContain('progressing');
    expect(http.requests).toHaveLength(0);
  });

  it('needs a token and a repository address', () => {
    expect(() => createSender(provider({ type: 'gitlab', address }), {}, new RecordingTransport())).toThrow('gitlab needs a token in the secret (key "token")');
    expect(() => createSender(provider({ type: 'gitlab', address: 'https://gitlab.cn/' }), { token: 't' }, new RecordingTransport())).toThrow('gitlab needs spec.address to name a repository');
  });
});

describe('github', () => {
  it('posts a commit status to api.github.com with a Bearer token, skipping an identical latest status', async () => {
    const http = new RecordingTransport([{ status: 200, body: '[]' }, { status: 201, body: '{}' }]);
    const sender = createSender(provider({ type: 'github', address: 'https://github.com/org/repo' }), { token: 'ghp' }, http);
    await sender.send(event({ severity: 'error', reason: 'BuildFailed' }));
    expect(http.requests[1]).toMatchObject({ method: 'POST', url: `https://api.github.com/repos/org/repo/statuses/${sha}`, headers: { Authorization: 'Bearer ghp' } });
    expect(JSON.parse(http.requests[1]!.body!)).toEqual({ state: 'failure', context: 'kustomization/apps/7f9c2e4a', description: 'build failed' });
    const again = new RecordingTransport([{ status: 200, body: JSON.stringify([{ context: 'kustomization/apps/7f9c2e4a', state: 'failure', description: 'build failed' }]) }]);
    const result = await createSender(provider({ type: 'github', address: 'https://github.com/org/repo' }), { token: 'ghp' }, again).send(event({ severity: 'error', reason: 'BuildFailed' }));
    expect(result.skipped).toBe('identical commit status exists');
  });

  it('uses /api/v3 on GitHub Enterprise', async () => {
    const http = new RecordingTransport([{ status: 200, body: '[]' }]);
    await createSender(provider({ type: 'github', address: 'https://ghe.example.com/org/repo' }), { token: 'x' }, http).send(event());
    expect(http.requests[1]!.url).toBe(`https://ghe.example.com/api/v3/repos/org/repo/statuses/${sha}`);
  });
});

describe('generic and generic-hmac', () => {
  const expectedBody = JSON.stringify({
    involvedObject: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps', apiVersion: 'kustomize.toolkit.fluxcd.io/v1' },
    severity: 'info',
    timestamp: '2026-11-30T10:00:00Z',
    message: 'Deployment/default/podinfo configured',
    reason: 'ReconciliationSucceeded',
    metadata: { revision: `main@sha1:${sha}`, env: 'prod' },
    reportingController: 'kustomize-controller',
  });

  it('generic posts the raw event JSON with gotk-component and the secret headers', async () => {
    const http = new RecordingTransport();
    await createSender(provider({ type: 'generic', address: 'http://hooks.local/flux' }), { headers: 'X-Team: ops\nX-Env: prod\n' }, http).send(event());
    expect(http.requests[0]).toEqual({
      method: 'POST',
      url: 'http://hooks.local/flux',
      headers: { 'Content-Type': 'application/json', 'gotk-component': 'kustomize-controller', 'X-Team': 'ops', 'X-Env': 'prod' },
      body: expectedBody,
    });
  });

  it('generic-hmac signs the body with the token: X-Signature sha256=<hex>', async () => {
    const http = new RecordingTransport();
    await createSender(provider({ type: 'generic-hmac', address: 'http://hooks.local/flux' }), { token: 'key' }, http).send(event());
    expect(http.requests[0]!.headers['X-Signature']).toBe(`sha256=${createHmac('sha256', 'key').update(expectedBody).digest('hex')}`);
  });

  it('generic-hmac without a token is a config error', () => {
    expect(() => createSender(provider({ type: 'generic-hmac', address: 'http://h' }), {}, new RecordingTransport())).toThrow(ProviderConfigError);
  });

  it('5xx is a retryable failure, 4xx is not', async () => {
    const http = new RecordingTransport([{ status: 503, body: 'busy' }, { status: 404, body: 'gone' }]);
    const sender = createSender(provider({ type: 'generic', address: 'http://h/x' }), undefined, http);
    await expect(sender.send(event())).rejects.toMatchObject({ statusCode: 503, retryable: true });
    await expect(sender.send(event())).rejects.toMatchObject({ statusCode: 404, retryable: false });
  });
});

describe('msteams', () => {
  it('posts an Adaptive Card: object, message (attention on errors), summary first then sorted metadata', async () => {
    const http = new RecordingTransport();
    await createSender(provider({ type: 'msteams', address: 'https://prod.westeurope.logic.azure.com/workflows/x' }), undefined, http).send(
      event({ severity: 'error', metadata: { revision: 'r1', env: 'prod', summary: 'prod cluster' } }),
    );
    const card = JSON.parse(http.requests[0]!.body!);
    expect(card.type).toBe('message');
    expect(card.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.attachments[0].content.msteams).toEqual({ width: 'Full' });
    expect(card.attachments[0].content.body).toEqual([
      {
        type: 'Container',
        items: [
          { type: 'TextBlock', text: 'kustomization/apps.flux-system', size: 'large', weight: 'bolder', wrap: true },
          { type: 'TextBlock', text: 'Deployment/default/podinfo configured', color: 'attention', wrap: true },
          { type: 'FactSet', facts: [{ title: 'summary', value: 'prod cluster' }, { title: 'env', value: 'prod' }, { title: 'revision', value: 'r1' }] },
        ],
      },
    ]);
  });

  it('posts a MessageCard to the deprecated office.com connectors', async () => {
    const http = new RecordingTransport();
    await createSender(provider({ type: 'msteams', address: 'https://acme.webhook.office.com/webhookb2/x' }), undefined, http).send(event());
    expect(JSON.parse(http.requests[0]!.body!)).toMatchObject({ '@type': 'MessageCard', themeColor: '0076D7', summary: 'kustomization/apps.flux-system' });
  });
});

describe('alertmanager', () => {
  it('sends one firing alert: metadata and object as labels, message and summary as annotations', () => {
    const [alert] = alertmanagerPayload(event({ metadata: { revision: 'r1', summary: 'prod cluster' } }));
    expect(alert).toEqual({
      status: 'firing',
      labels: {
        revision: 'r1',
        alertname: 'FluxKustomizationReconciliationsucceeded',
        severity: 'info',
        reason: 'ReconciliationSucceeded',
        kind: 'Kustomization',
        name: 'apps',
        namespace: 'flux-system',
        reportingcontroller: 'kustomize-controller',
      },
      annotations: { message: 'Deployment/default/podinfo configured', summary: 'prod cluster' },
      startsAt: '2026-11-30T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
    });
  });
});

describe('provider configuration', () => {
  it('rejects an invalid address naming the field, without echoing it', () => {
    expect(() => createSender(provider({ type: 'generic', address: 'not a url' }), undefined, new RecordingTransport())).toThrow('spec.address is not a valid URL');
    expect(() => createSender(provider({ type: 'generic' }), { address: 'ftp://x' }, new RecordingTransport())).toThrow('secret key "address" must be an http(s) URL');
  });

  it('rejects unsupported types and malformed headers', () => {
    expect(() => createSender(provider({ type: 'datadog', address: 'https://t' }), undefined, new RecordingTransport())).toThrow('provider type "datadog" is not supported');
    expect(() => createSender(provider({ type: 'generic', address: 'https://t' }), { headers: '- a\n- b' }, new RecordingTransport())).toThrow('secret key "headers" must be a map');
  });

  it('parses commits and names statuses as Flux does', () => {
    expect(commitOf(`main@sha1:${sha}`)).toBe(sha);
    expect(commitOf(`sha1:${sha}`)).toBe(sha);
    expect(commitOf(`main/${sha}`)).toBe(sha);
    expect(commitOf('6.5.0')).toBeUndefined();
    expect(commitStatusName(event(), uid)).toBe('kustomization/apps/7f9c2e4a');
    expect(commitStatusDescription(event({ reason: 'ArtifactFailed' }))).toBe('artifact failed');
  });
});

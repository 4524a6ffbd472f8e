import { createHash } from 'node:crypto';
import { FakeEndpoint, type ReceivedRequest } from '../../../test/fake-endpoint';
import { kustomizationEvent, providerWith } from '../../../test/provider-builders';
import type { FluxEvent } from '../../domain/flux-event';
import { fluxEventJson } from './generic.provider';
import { NodeHttpTransport } from './node-http-transport';
import { createSender, ProviderConfigError } from './provider-factory';

// Flux's chat, incident and commit-status providers against a loopback server standing in for each service:
// the exact JSON each receives, its method, path and auth header.

const sha = 'c0ffee'.repeat(6) + 'c0ff';
const uid = '4b1d2c3e-0000-4000-8000-000000000001';

const provider = (spec: Record<string, unknown>) => providerWith(spec, uid);

const event = (overrides: Partial<FluxEvent> = {}): FluxEvent =>
  kustomizationEvent({
    severity: 'error',
    message: 'Health check failed (timeout) for Deployment/web.',
    reason: 'HealthCheckFailed',
    metadata: { revision: `main@sha1:${sha}`, env: 'prod:eu' },
    ...overrides,
  });

describe('providers on loopback', () => {
  let endpoint: FakeEndpoint;
  let answer: (request: ReceivedRequest) => { status: number; body: string };
  const transport = new NodeHttpTransport({}, 5000);

  beforeAll(async () => {
    endpoint = await new FakeEndpoint((request) => answer(request)).start();
  });
  beforeEach(() => {
    endpoint.requests.length = 0;
    answer = () => ({ status: 200, body: '{}' });
  });
  afterAll(async () => {
    transport.close();
    await endpoint.stop();
  });

  const send = (spec: Record<string, unknown>, secret?: Record<string, string>, given = event()) => createSender(provider(spec), secret, transport).send(given);
  const only = (): ReceivedRequest => {
    expect(endpoint.requests).toHaveLength(1);
    return endpoint.requests[0] as ReceivedRequest;
  };

  it('googlechat: one card, object and controller as header, the message in red for errors, metadata as key-values', async () => {
    await send({ type: 'googlechat', address: `${endpoint.url}/v1/spaces/AAA/messages?key=k` });
    const request = only();
    expect(request).toMatchObject({ method: 'POST', url: '/v1/spaces/AAA/messages?key=k', headers: { 'content-type': 'application/json' } });
    expect(JSON.parse(request.body)).toEqual({
      cards: [
        {
          header: { title: 'kustomization/apps.flux-system', subtitle: 'kustomize-controller', imageUrl: null, imageStyle: null },
          sections: [
            { header: '', widgets: [{ textParagraph: { text: '<font color="#ff0000">Health check failed (timeout) for Deployment/web.</font>' }, keyValue: null }] },
            {
              header: '',
              widgets: [
                { textParagraph: null, keyValue: { topLabel: 'env', content: 'prod:eu', contentMultiline: false, bottomLabel: null, icon: null } },
                { textParagraph: null, keyValue: { topLabel: 'revision', content: `main@sha1:${sha}`, contentMultiline: false, bottomLabel: null, icon: null } },
              ],
            },
          ],
        },
      ],
    });
  });

  it('googlechat: an info event without metadata has only the message section, uncoloured', async () => {
    await send({ type: 'googlechat', address: endpoint.url }, undefined, event({ severity: 'info', metadata: {} }));
    expect(JSON.parse(only().body).cards[0].sections).toEqual([{ header: '', widgets: [{ textParagraph: { text: 'Health check failed (timeout) for Deployment/web.' }, keyValue: null }] }]);
  });

  it('rocket: Slack attachment with Flux colours and the configured username and channel', async () => {
    await send({ type: 'rocket', address: `${endpoint.url}/hooks/abc`, channel: 'ops', username: 'flux' });
    const request = only();
    expect(request.url).toBe('/hooks/abc');
    expect(JSON.parse(request.body)).toEqual({
      channel: 'ops',
      username: 'flux',
      icon_url: '',
      icon_emoji: '',
      attachments: [
        {
          color: '#FF0000',
          author_name: 'kustomization/apps.flux-system',
          text: 'Health check failed (timeout) for Deployment/web.',
          mrkdwn_in: ['text'],
          fields: [
            { title: 'env', value: 'prod:eu', short: false },
            { title: 'revision', value: `main@sha1:${sha}`, short: false },
          ],
        },
      ],
    });
    endpoint.requests.length = 0;
    await send({ type: 'rocket', address: endpoint.url }, undefined, event({ severity: 'info' }));
    expect(JSON.parse(only().body)).toMatchObject({ channel: '', username: '', attachments: [{ color: '#0076D7' }] });
  });

  it('webex: markdown message to the room with the bot token', async () => {
    await send({ type: 'webex', address: `${endpoint.url}/v1/messages`, channel: 'room-1' }, { token: 'bot-token' });
    const request = only();
    expect(request).toMatchObject({ method: 'POST', url: '/v1/messages', headers: { authorization: 'Bearer bot-token', 'content-type': 'application/json' } });
    expect(JSON.parse(request.body)).toEqual({
      roomId: 'room-1',
      markdown: `💣 **kustomization/apps.flux-system**\nHealth check failed (timeout) for Deployment/web.\n>**env**: prod:eu\n>**revision**: main@sha1:${sha}\n`,
    });
  });

  it('lark: interactive card, red header for errors, message in bold then metadata lines', async () => {
    await send({ type: 'lark', address: `${endpoint.url}/open-apis/bot/v2/hook/xyz` });
    expect(JSON.parse(only().body)).toEqual({
      msg_type: 'interactive',
      card: {
        config: { wide_screen_mode: true },
        header: { title: { tag: 'plain_text', content: '🚨 kustomization/apps.flux-system' }, template: 'red' },
        elements: [{ tag: 'div', text: { tag: 'lark_md', content: `**Health check failed (timeout) for Deployment/web.**\n\nenv: prod:eu\nrevision: main@sha1:${sha}\n` } }],
      },
    });
  });

  it('matrix: PUT to the room with the SHA-1 of the event as transaction id and the access token', async () => {
    const given = event({ severity: 'info' });
    await send({ type: 'matrix', address: `${endpoint.url}/`, channel: '!room:example.org' }, { token: 'syt_token' }, given);
    const request = only();
    const txn = createHash('sha1').update(fluxEventJson(given)).digest('hex');
    expect(request).toMatchObject({ method: 'PUT', url: `/_matrix/client/r0/rooms/!room:example.org/send/m.room.message/${txn}`, headers: { authorization: 'Bearer syt_token' } });
    expect(JSON.parse(request.body)).toEqual({
      body: `💫 kustomization/apps.flux-system\nHealth check failed (timeout) for Deployment/web.\n- env: prod:eu\n- revision: main@sha1:${sha}\n`,
      msgtype: 'm.text',
    });
  });

  it('telegram: sendMessage in MarkdownV2 with special characters escaped, to a forum topic for chat:thread', async () => {
    await send({ type: 'telegram', address: endpoint.url, channel: '-100123:42' }, { token: '123:ABC' });
    const request = only();
    expect(request).toMatchObject({ method: 'POST', url: '/bot123:ABC/sendMessage' });
    expect(JSON.parse(request.body)).toEqual({
      chat_id: '-100123',
      message_thread_id: '42',
      text: `*🚨 kustomization/apps/flux\\-system*\nHealth check failed \\(timeout\\) for Deployment/web\\.\n\\- *env*: prod:eu\n\\- *revision*: main@sha1:${sha}\n`,
      parse_mode: 'MarkdownV2',
    });
  });

  it('opsgenie: Kind/name as message, metadata plus severity as details, GenieKey auth', async () => {
    await send({ type: 'opsgenie', address: `${endpoint.url}/v2/alerts` }, { token: 'genie' });
    const request = only();
    expect(request).toMatchObject({ method: 'POST', url: '/v2/alerts', headers: { authorization: 'GenieKey genie' } });
    expect(request.body).toBe(
      JSON.stringify({
        message: 'Kustomization/apps',
        description: 'Health check failed (timeout) for Deployment/web.',
        details: { env: 'prod:eu', revision: `main@sha1:${sha}`, severity: 'error' },
      }),
    );
  });

  it('pagerduty: an error triggers an incident keyed by the object; an info event resolves it and sends a change event', async () => {
    await send({ type: 'pagerduty', address: `${endpoint.url}/ignored/path`, channel: 'routing-key' });
    const trigger = only();
    expect(trigger).toMatchObject({ method: 'POST', url: '/v2/enqueue' });
    expect(JSON.parse(trigger.body)).toEqual({
      routing_key: 'routing-key',
      event_action: 'trigger',
      dedup_key: 'Kustomization/flux-system/apps',
      payload: {
        summary: 'health check failed: kustomization/apps',
        source: 'Flux kustomize-controller',
        severity: 'error',
        timestamp: '2026-11-30T10:00:00Z',
        component: 'apps',
        group: 'Kustomization',
        custom_details: { message: 'Health check failed (timeout) for Deployment/web.', metadata: { revision: `main@sha1:${sha}`, env: 'prod:eu' } },
      },
    });
    endpoint.requests.length = 0;
    await send({ type: 'pagerduty', address: endpoint.url, channel: 'routing-key' }, undefined, event({ severity: 'info', reason: 'ReconciliationSucceeded', message: 'applied' }));
    expect(endpoint.requests.map((r) => r.url)).toEqual(['/v2/enqueue', '/v2/change/enqueue']);
    expect(JSON.parse(endpoint.requests[0]!.body)).toEqual({ routing_key: 'routing-key', event_action: 'resolve', dedup_key: 'Kustomization/flux-system/apps' });
    expect(JSON.parse(endpoint.requests[1]!.body)).toEqual({
      routing_key: 'routing-key',
      payload: {
        summary: 'reconciliation succeeded: kustomization/apps',
        source: 'Flux kustomize-controller',
        timestamp: '2026-11-30T10:00:00Z',
        custom_details: { message: 'applied', metadata: { revision: `main@sha1:${sha}`, env: 'prod:eu' } },
      },
    });
    endpoint.requests.length = 0;
    expect(await send({ type: 'pagerduty', address: endpoint.url, channel: 'k' }, undefined, event({ reason: 'Progressing' }))).toMatchObject({ skipped: expect.any(String) });
    expect(endpoint.requests).toHaveLength(0);
  });

  it('grafana: a Graphite annotation with Flux tags (":" in metadata as "|"), token preferred over basic auth', async () => {
    await send({ type: 'grafana', address: `${endpoint.url}/api/annotations/graphite` }, { token: 'glsa', username: 'u', password: 'p' });
    const request = only();
    expect(request).toMatchObject({ method: 'POST', url: '/api/annotations/graphite', headers: { authorization: 'Bearer glsa' } });
    expect(JSON.parse(request.body)).toEqual({
      when: Date.parse('2026-11-30T10:00:00Z') / 1000,
      text: 'kustomization/apps.flux-system',
      tags: ['flux', 'kustomize-controller', 'env: prod|eu', `revision: main@sha1|${sha}`, 'kind: Kustomization', 'name: apps', 'namespace: flux-system'],
    });
    endpoint.requests.length = 0;
    await send({ type: 'grafana', address: endpoint.url }, { username: 'u', password: 'p' });
    expect(only().headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('gitea: lists statuses, posts a new one with the token, skips an identical latest one, posts pending for progressing', async () => {
    const context = `kustomization/apps/${uid.split('-')[0]}`;
    const statuses: unknown[] = [];
    answer = (request) => (request.method === 'GET' ? { status: 200, body: JSON.stringify(statuses) } : { status: 201, body: '{}' });
    const spec = { type: 'gitea', address: `${endpoint.url}/org/repo.git` };
    expect(await send(spec, { token: 'gtoken' })).toEqual({ statusCode: 201 });
    const [list, post] = endpoint.requests;
    expect(list).toMatchObject({ method: 'GET', url: `/api/v1/repos/org/repo/statuses/${sha}?limit=50&page=1`, headers: { authorization: 'token gtoken' } });
    expect(post).toMatchObject({ method: 'POST', url: `/api/v1/repos/org/repo/statuses/${sha}`, headers: { authorization: 'token gtoken' } });
    expect(JSON.parse(post!.body)).toEqual({ state: 'failure', target_url: '', description: 'health check failed', context });
    endpoint.requests.length = 0;
    statuses.push({ context, status: 'failure', description: 'health check failed' }, { context, status: 'success', description: 'reconciliation succeeded' });
    expect(await send(spec, { token: 'gtoken' })).toEqual({ statusCode: 200, skipped: 'identical commit status exists' });
    expect(endpoint.requests.map((r) => r.method)).toEqual(['GET']);
    endpoint.requests.length = 0;
    await send(spec, { token: 'gtoken' }, event({ severity: 'info', reason: 'Progressing' }));
    expect(JSON.parse(endpoint.requests[1]!.body)).toMatchObject({ state: 'pending', description: 'progressing' });
  });

  it('bitbucket: reads the status under the SHA-1 key, posts a build status with basic auth, skips an identical one', async () => {
    const key = createHash('sha1').update(`kustomization/apps/${uid.split('-')[0]}`).digest('hex');
    let existing: { status: number; body: string } = { status: 404, body: '{"type":"error"}' };
    answer = (request) => (request.method === 'GET' ? existing : { status: 201, body: '{}' });
    const spec = { type: 'bitbucket', address: `${endpoint.url}/owner/repo` };
    expect(await send(spec, { token: 'user:app-pass' })).toEqual({ statusCode: 201 });
    const [get, post] = endpoint.requests;
    const auth = `Basic ${Buffer.from('user:app-pass').toString('base64')}`;
    expect(get).toMatchObject({ method: 'GET', url: `/2.0/repositories/owner/repo/commit/${sha}/statuses/build/${key}`, headers: { authorization: auth } });
    expect(post).toMatchObject({ method: 'POST', url: `/2.0/repositories/owner/repo/commit/${sha}/statuses/build`, headers: { authorization: auth } });
    expect(JSON.parse(post!.body)).toEqual({ state: 'FAILED', key, name: 'kustomization/apps', description: 'health check failed', url: 'https://bitbucket.org' });
    endpoint.requests.length = 0;
    existing = { status: 200, body: JSON.stringify({ state: 'FAILED', description: 'health check failed', key }) };
    expect(await send(spec, { token: 'user:app-pass' })).toEqual({ statusCode: 200, skipped: 'identical commit status exists' });
    expect(endpoint.requests).toHaveLength(1);
  });

  it.each([
    [{ type: 'webex', address: 'https://webexapis.com/v1/messages', channel: 'r' }, undefined, 'webex needs a bot token in the secret (key "token")'],
    [{ type: 'webex', address: 'https://webexapis.com/v1/messages' }, { token: 't' }, 'webex needs spec.channel (the room ID)'],
    [{ type: 'matrix', address: 'https://matrix.org' }, { token: 't' }, 'matrix needs spec.channel (the room ID)'],
    [{ type: 'telegram', channel: '1' }, undefined, 'telegram needs the bot token in the secret (key "token")'],
    [{ type: 'opsgenie', address: 'https://api.opsgenie.com/v2/alerts' }, undefined, 'opsgenie needs the API key in the secret (key "token")'],
    [{ type: 'pagerduty', address: 'https://events.pagerduty.com' }, undefined, 'pagerduty needs spec.channel (the integration routing key)'],
    [{ type: 'bitbucket', address: 'https://bitbucket.org/o/r' }, { token: 'no-colon' }, 'bitbucket needs the secret key "token" in the form <user>:<app password>'],
    [{ type: 'gitea', address: 'https://gitea.example/o/r' }, undefined, 'gitea needs a token in the secret (key "token")'],
    [{ type: 'googlechat' }, undefined, 'googlechat needs an address: set spec.address or the secret key "address"'],
  ])('refuses an incomplete %j with a message naming the field', (spec, secret, message) => {
    expect(() => createSender(provider(spec), secret, transport)).toThrow(new ProviderConfigError(message));
  });
});

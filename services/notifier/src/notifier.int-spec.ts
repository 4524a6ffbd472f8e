import { createHmac } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { newEvent, subjectFor, type AppliedV1, type Condition, type FailedV1 } from '@ferry/contracts';
import { openEventStoreDatabase } from '@ferry/event-store';
import type { KubeObject } from '@ferry/kube';
import { JetStreamPublisher } from '@ferry/messaging';
import { TEST_NATS_URL, type ServiceProcess } from '@ferry/testing';
import { eventually, FakeEndpoint } from '../test/fake-endpoint';
import { notifierFixture, type NotifierFixture } from '../test/notifier-fixture';

const sha = (n: number) => n.toString(16).padStart(40, '0');
const GITLAB_TOKEN = 'glpat-test-token';
const RECEIVER_TOKEN = 'receiver-secret-token';

// Real processes, NATS and a cluster on a shared 2-core machine: a ceiling for hangs, not a speed assertion.
jest.setTimeout(90_000);

describe('notifier: events to Slack and GitLab, receivers, restarts', () => {
  let fixture: NotifierFixture;
  let service: ServiceProcess | undefined;
  let nats: NatsConnection;
  let publisher: JetStreamPublisher;
  const slack = new FakeEndpoint();
  const gitlab = new FakeEndpoint((request) => (request.method === 'GET' ? { status: 200, body: '[]' } : { status: 201, body: '{}' }));
  let providerUid = '';

  const secret = (name: string, data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: fixture.namespace },
    stringData: data,
  });
  const notification = (kind: string, name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: kind === 'Receiver' ? 'notification.toolkit.fluxcd.io/v1' : 'notification.toolkit.fluxcd.io/v1beta3',
    kind,
    metadata: { name, namespace: fixture.namespace },
    spec,
  });
  const readyOf = async (kind: string, name: string): Promise<Condition | undefined> => {
    const apiVersion = kind === 'Receiver' ? 'notification.toolkit.fluxcd.io/v1' : 'notification.toolkit.fluxcd.io/v1beta3';
    const object = await fixture.client.get<KubeObject & { status?: { conditions?: Condition[] } }>({ apiVersion, kind, namespace: fixture.namespace, name });
    return object?.status?.conditions?.find((c) => c.type === 'Ready');
  };
  // A failing stop shows the process's last error lines, not just its exit code.
  const stopService = async (running: ServiceProcess) => {
    const code = await running.stop();
    return { code, errors: code === 0 ? [] : running.lines.filter((line) => line.includes('"level":"error"')).slice(-5) };
  };
  const applied = (name: string, revision: string) =>
    newEvent<AppliedV1>({
      type: 'Applied',
      schemaVersion: 1,
      object: { kind: 'Kustomization', namespace: fixture.namespace, name },
      revision,
      changeSet: [{ id: `Deployment/${fixture.namespace}/${name}`, action: 'configured' }],
      durationMs: 42,
    });

  beforeAll(async () => {
    await slack.start();
    await gitlab.start();
    fixture = await notifierFixture();
    nats = await connect({ servers: TEST_NATS_URL });
    publisher = new JetStreamPublisher(nats.jetstream(), fixture.subjectPrefix);
    await fixture.client.create(secret('slack-url', { address: `${slack.url}/services/T000/B000/XXXX` }));
    await fixture.client.create(secret('gitlab-token', { token: GITLAB_TOKEN }));
    await fixture.client.create(secret('receiver-token', { token: RECEIVER_TOKEN }));
    await fixture.apply(notification('Provider', 'slack', { type: 'slack', channel: 'general', secretRef: { name: 'slack-url' } }));
    await fixture.apply(notification('Provider', 'gitlab', { type: 'gitlab', address: `${gitlab.url}/owner/repo`, secretRef: { name: 'gitlab-token' } }));
    await fixture.apply(notification('Alert', 'everything', { providerRef: { name: 'slack' }, eventSeverity: 'info', eventSources: [{ kind: 'Kustomization', name: '*' }], summary: 'dev cluster' }));
    await fixture.apply(notification('Alert', 'commit-status', { providerRef: { name: 'gitlab' }, eventSources: [{ kind: 'Kustomization', name: 'apps' }] }));
    const provider = await fixture.client.get({ apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider', namespace: fixture.namespace, name: 'gitlab' });
    providerUid = provider?.metadata.uid ?? '';
    service = await fixture.start({ NOTIFIER_RATE_LIMIT_INTERVAL: '0' });
  });

  afterAll(async () => {
    await service?.stop();
    await nats?.close();
    await fixture?.dispose();
    await slack.stop();
    await gitlab.stop();
  });

  it('marks valid Providers and Alerts Ready, and bad ones Ready=False with a message naming the field', async () => {
    await fixture.apply(notification('Alert', 'bad-regex', { providerRef: { name: 'slack' }, eventSources: [{ kind: 'Kustomization', name: '*' }], inclusionList: ['(unclosed'] }));
    await fixture.apply(notification('Provider', 'no-secret', { type: 'slack', secretRef: { name: 'missing' } }));
    await fixture.apply(notification('Provider', 'bad-address', { type: 'generic', address: 'not a url' }));
    expect(await eventually('slack Ready', () => readyOf('Provider', 'slack'))).toMatchObject({ status: 'True' });
    expect(await eventually('alert Ready', () => readyOf('Alert', 'everything'))).toMatchObject({ status: 'True' });
    expect(await eventually('bad alert status', () => readyOf('Alert', 'bad-regex'))).toMatchObject({
      status: 'False',
      reason: 'ValidationFailed',
      message: expect.stringContaining('spec.inclusionList[0] "(unclosed" is not a valid regular expression'),
    });
    expect(await eventually('no-secret status', () => readyOf('Provider', 'no-secret'))).toMatchObject({
      status: 'False',
      message: `spec.secretRef: secret "${fixture.namespace}/missing" not found`,
    });
    expect(await eventually('bad-address status', () => readyOf('Provider', 'bad-address'))).toMatchObject({ status: 'False', message: 'spec.address is not a valid URL' });
    expect(service!.lines.some((line) => line.includes('is not ready') && line.includes('bad-address'))).toBe(true);
  });

  it('sends an Applied event to Slack (exact payload) and sets the GitLab commit status', async () => {
    const revision = `main@sha1:${sha(1)}`;
    await publisher.publish(applied('apps', revision));
    const request = await eventually('the Slack webhook call', () => slack.requests.find((r) => r.body.includes(sha(1))));
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/services/T000/B000/XXXX');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({
      channel: 'general',
      username: 'kustomize-controller',
      icon_url: '',
      icon_emoji: '',
      attachments: [
        {
          color: 'good',
          author_name: `kustomization/apps.${fixture.namespace}`,
          text: `Deployment/${fixture.namespace}/apps configured`,
          mrkdwn_in: ['text'],
          fields: [
            { title: 'revision', value: revision, short: false },
            { title: 'summary', value: 'dev cluster', short: false },
          ],
        },
      ],
    });
    const post = await eventually('the GitLab status', () => gitlab.requests.find((r) => r.method === 'POST'));
    expect(gitlab.requests[0]).toMatchObject({ method: 'GET', url: `/api/v4/projects/owner%2Frepo/repository/commits/${sha(1)}/statuses?name=${encodeURIComponent(`kustomization/apps/${providerUid.split('-')[0]}`)}` });
    expect(post.url).toBe(`/api/v4/projects/owner%2Frepo/statuses/${sha(1)}`);
    expect(post.headers['private-token']).toBe(GITLAB_TOKEN);
    expect(JSON.parse(post.body)).toEqual({ state: 'success', name: `kustomization/apps/${providerUid.split('-')[0]}`, description: 'reconciliation succeeded' });
    const metrics = await eventually('delivery metrics', async () => {
      const text = await (await fetch(`${service!.url}/metrics`)).text();
      return /ferry_notifications_total\{provider="gitlab",outcome="delivered",service="notifier"\} 1/.test(text) && text;
    });
    expect(metrics).toMatch(/ferry_notifications_total\{provider="slack",outcome="delivered",service="notifier"\} [1-9]/);
    expect(metrics).toMatch(/ferry_notification_duration_seconds_count\{service="notifier",provider="slack"\} [1-9]/);
  });

  it('keeps delivering to Slack when GitLab is unreachable for a Failed event', async () => {
    await gitlab.stop();
    const failed = newEvent<FailedV1>({
      type: 'Failed',
      schemaVersion: 1,
      object: { kind: 'Kustomization', namespace: fixture.namespace, name: 'apps' },
      revision: `main@sha1:${sha(2)}`,
      reason: 'HealthCheckFailed',
      message: 'timeout waiting for: [Deployment/apps/web status: InProgress]',
      stage: 'health',
      terminal: false,
    });
    await publisher.publish(failed);
    const request = await eventually('the Slack call for the failure', () => slack.requests.find((r) => r.body.includes('timeout waiting for')));
    expect(JSON.parse(request.body).attachments[0].color).toBe('danger');
    await eventually('a logged GitLab failure', () => service!.lines.some((line) => line.includes('failed to send notification') && line.includes('gitlab')));
    await gitlab.start();
  });

  it('turns a GitLab push webhook into ReconcileRequested on NATS, and answers 401 to a wrong token without logging it', async () => {
    await fixture.apply(
      notification('Receiver', 'gitlab-push', {
        type: 'gitlab',
        events: ['Push Hook', 'Tag Push Hook'],
        secretRef: { name: 'receiver-token' },
        resources: [{ kind: 'GitRepository', name: 'podinfo' }],
      }),
    );
    const path = await eventually('the receiver webhookPath', async () => {
      const object = await fixture.client.get<KubeObject & { status?: { webhookPath?: string } }>({
        apiVersion: 'notification.toolkit.fluxcd.io/v1',
        kind: 'Receiver',
        namespace: fixture.namespace,
        name: 'gitlab-push',
      });
      return object?.status?.webhookPath;
    });
    expect(path).toMatch(/^\/hook\/[0-9a-f]{64}$/);
    const subscription = nats.subscribe(subjectFor('ReconcileRequested', 1, fixture.subjectPrefix));
    const received: unknown[] = [];
    void (async () => {
      for await (const message of subscription) received.push(JSON.parse(new TextDecoder().decode(message.data)));
    })();
    const body = JSON.stringify({ object_kind: 'push', ref: 'refs/heads/main' });
    const rejected = await fetch(`${service!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Gitlab-Token': 'wrong-token-value', 'X-Gitlab-Event': 'Push Hook' }, body });
    expect(rejected.status).toBe(401);
    const accepted = await fetch(`${service!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'X-Gitlab-Token': RECEIVER_TOKEN, 'X-Gitlab-Event': 'Push Hook' }, body });
    expect(accepted.status).toBe(200);
    const event = await eventually('ReconcileRequested on NATS', () => received[0]);
    subscription.unsubscribe();
    expect(event).toMatchObject({ type: 'ReconcileRequested', reason: 'webhook', object: { kind: 'GitRepository', namespace: fixture.namespace, name: 'podinfo' } });
    expect(received).toHaveLength(1);
    expect(service!.lines.some((line) => line.includes('webhook rejected'))).toBe(true);
    expect(service!.lines.some((line) => line.includes('wrong-token-value') || line.includes(RECEIVER_TOKEN) || line.includes(path.slice(6)))).toBe(false);
  });

  it('verifies a generic-hmac webhook over the exact bytes of a non-JSON body', async () => {
    await fixture.client.create(secret('hmac-receiver-token', { token: 'hmac-receiver' }));
    await fixture.apply(notification('Receiver', 'hmac-hook', { type: 'generic-hmac', secretRef: { name: 'hmac-receiver-token' }, resources: [{ kind: 'Kustomization', name: 'apps' }] }));
    const path = await eventually('the hmac receiver path', async () => {
      const object = await fixture.client.get<KubeObject & { status?: { webhookPath?: string } }>({ apiVersion: 'notification.toolkit.fluxcd.io/v1', kind: 'Receiver', namespace: fixture.namespace, name: 'hmac-hook' });
      return object?.status?.webhookPath;
    });
    const body = 'plain text payload\n';
    const signature = `sha256=${createHmac('sha256', 'hmac-receiver').update(body).digest('hex')}`;
    const good = await fetch(`${service!.url}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain', 'X-Signature': signature }, body });
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ requested: [{ kind: 'Kustomization', namespace: fixture.namespace, name: 'apps' }] });
    const bad = await fetch(`${service!.url}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain', 'X-Signature': signature }, body: `${body}tampered` });
    expect(bad.status).toBe(401);
  });

  it('accepts a Harbor push with the token as Authorization, and answers 400 to a Quay call whose body is not a payload', async () => {
    await fixture.client.create(secret('registry-token', { token: 'harbor-secret' }));
    await fixture.apply(notification('Receiver', 'harbor', { type: 'harbor', secretRef: { name: 'registry-token' }, resources: [{ kind: 'OCIRepository', name: 'app' }] }));
    await fixture.apply(notification('Receiver', 'quay', { type: 'quay', secretRef: { name: 'registry-token' }, resources: [{ kind: 'OCIRepository', name: 'app' }] }));
    const pathOf = (name: string) =>
      eventually(`the ${name} receiver path`, async () => {
        const object = await fixture.client.get<KubeObject & { status?: { webhookPath?: string } }>({ apiVersion: 'notification.toolkit.fluxcd.io/v1', kind: 'Receiver', namespace: fixture.namespace, name });
        return object?.status?.webhookPath;
      });
    const harbor = await pathOf('harbor');
    const body = JSON.stringify({ type: 'PUSH_ARTIFACT', event_data: { repository: { repo_full_name: 'library/app' }, resources: [{ tag: 'v1' }] } });
    const pushed = await fetch(`${service!.url}${harbor}`, { method: 'POST', headers: { 'content-type': 'application/json', Authorization: 'harbor-secret' }, body });
    expect(pushed.status).toBe(200);
    expect(await pushed.json()).toEqual({ requested: [{ kind: 'OCIRepository', namespace: fixture.namespace, name: 'app' }] });
    expect((await fetch(`${service!.url}${harbor}`, { method: 'POST', headers: { 'content-type': 'application/json', Authorization: 'Bearer harbor-secret' }, body })).status).toBe(401);
    const quay = await pathOf('quay');
    const malformed = await fetch(`${service!.url}${quay}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'updated_tags=v1' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: 'the body is not a Quay webhook payload (a JSON object)' });
  });

  it('filters a receiver\'s resources with its CEL resourceFilter, and marks a Receiver with a bad one Ready=False naming the field', async () => {
    await fixture.client.create(secret('cel-token', { token: 'cel-secret' }));
    for (const [name, channel] of [['cel-stable', 'stable'], ['cel-canary', 'canary']] as const) {
      await fixture.apply({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name, namespace: fixture.namespace, labels: { hook: 'cel', channel } },
        spec: { interval: '10m', path: './', prune: true, sourceRef: { kind: 'GitRepository', name: 'podinfo' } },
      });
    }
    await fixture.apply(
      notification('Receiver', 'cel', {
        type: 'generic',
        secretRef: { name: 'cel-token' },
        resources: [{ kind: 'Kustomization', name: '*', matchLabels: { hook: 'cel' } }],
        resourceFilter: "res.metadata.labels.channel == req.channel",
      }),
    );
    await fixture.apply(notification('Receiver', 'cel-broken', { type: 'generic', secretRef: { name: 'cel-token' }, resources: [{ kind: 'Kustomization', name: 'apps' }], resourceFilter: 'request.channel ==' }));
    const path = await eventually('the cel receiver path', async () => {
      const object = await fixture.client.get<KubeObject & { status?: { webhookPath?: string } }>({ apiVersion: 'notification.toolkit.fluxcd.io/v1', kind: 'Receiver', namespace: fixture.namespace, name: 'cel' });
      return object?.status?.webhookPath;
    });
    const response = await fetch(`${service!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"channel":"canary"}' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ requested: [{ kind: 'Kustomization', namespace: fixture.namespace, name: 'cel-canary' }] });
    const broken = await eventually('the broken Receiver marked not ready', async () => {
      const ready = await readyOf('Receiver', 'cel-broken');
      return ready?.status === 'False' ? ready : undefined;
    });
    expect(broken).toMatchObject({ reason: 'ValidationFailed', message: 'spec.resourceFilter: unexpected "end of expression" at position 18' });
  });

  it('answers a GitHub ping without reconciling and a signed push by reconciling every labelled Kustomization', async () => {
    await fixture.client.create(secret('github-hook-token', { token: 'gh-hook' }));
    for (const [name, team] of [['web', 'a'], ['api', 'a'], ['db', 'b']] as const) {
      await fixture.apply({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: `gh-${name}`, namespace: fixture.namespace, labels: { team, hook: 'github' } },
        spec: { interval: '10m', path: './', prune: true, sourceRef: { kind: 'GitRepository', name: 'podinfo' } },
      });
    }
    await fixture.apply(
      notification('Receiver', 'github', {
        type: 'github',
        events: ['push'],
        secretRef: { name: 'github-hook-token' },
        resources: [{ kind: 'Kustomization', name: '*', matchLabels: { team: 'a', hook: 'github' } }],
      }),
    );
    const path = await eventually('the github receiver path', async () => {
      const object = await fixture.client.get<KubeObject & { status?: { webhookPath?: string } }>({ apiVersion: 'notification.toolkit.fluxcd.io/v1', kind: 'Receiver', namespace: fixture.namespace, name: 'github' });
      return object?.status?.webhookPath;
    });
    const call = (event: string, body: string, key = 'gh-hook') =>
      fetch(`${service!.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-GitHub-Event': event, 'X-Hub-Signature-256': `sha256=${createHmac('sha256', key).update(body).digest('hex')}` },
        body,
      });
    const ping = await call('ping', '{"zen":"Keep it logically awesome."}');
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ requested: [] });
    const push = await call('push', '{"ref":"refs/heads/main"}');
    expect(push.status).toBe(200);
    const { requested } = (await push.json()) as { requested: { name: string }[] };
    expect(requested.map((r) => r.name).sort()).toEqual(['gh-api', 'gh-web']);
    expect((await call('push', '{"ref":"refs/heads/main"}', 'wrong-key')).status).toBe(401);
    expect((await call('issues', '{}')).status).toBe(401);
  });

  it('matches `*` + matchLabels against the object in the cluster and signs generic-hmac requests with the token', async () => {
    const hooks = await new FakeEndpoint().start();
    try {
      await fixture.client.create(secret('hmac-key', { token: 'hmac-secret', headers: 'X-Team: platform' }));
      await fixture.apply(notification('Provider', 'hmac', { type: 'generic-hmac', address: `${hooks.url}/flux`, secretRef: { name: 'hmac-key' } }));
      await fixture.apply(
        notification('Alert', 'team-a', { providerRef: { name: 'hmac' }, eventSeverity: 'error', eventSources: [{ kind: 'Kustomization', name: '*', matchLabels: { team: 'a' } }] }),
      );
      const kustomization = (name: string, team: string): KubeObject => ({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name, namespace: fixture.namespace, labels: { team } },
        spec: { interval: '10m', path: './', prune: true, sourceRef: { kind: 'GitRepository', name: 'podinfo' } },
      });
      await fixture.apply(kustomization('team-a-app', 'a'));
      await fixture.apply(kustomization('team-b-app', 'b'));
      await eventually('hmac Provider Ready', async () => (await readyOf('Provider', 'hmac'))?.status === 'True');
      await eventually('team-a Alert Ready', async () => (await readyOf('Alert', 'team-a'))?.status === 'True');
      const failure = (name: string) =>
        newEvent<FailedV1>({
          type: 'Failed',
          schemaVersion: 1,
          object: { kind: 'Kustomization', namespace: fixture.namespace, name },
          revision: `main@sha1:${sha(3)}`,
          reason: 'BuildFailed',
          message: `${name}: kustomization.yaml not found`,
          stage: 'build',
          terminal: true,
        });
      await publisher.publish(failure('team-b-app'));
      await publisher.publish(failure('team-a-app'));
      const request = await eventually('the generic-hmac call', () => hooks.requests[0]);
      expect(JSON.parse(request.body)).toMatchObject({
        involvedObject: { kind: 'Kustomization', name: 'team-a-app', namespace: fixture.namespace },
        severity: 'error',
        reason: 'BuildFailed',
        reportingController: 'kustomize-controller',
      });
      expect(request.headers['x-signature']).toBe(`sha256=${createHmac('sha256', 'hmac-secret').update(request.body).digest('hex')}`);
      expect(request.headers['x-team']).toBe('platform');
      expect(request.headers['gotk-component']).toBe('kustomize-controller');
      // team-b's event came first on the stream; had it matched, it would have been the first request.
      expect(hooks.requests.every((r) => r.body.includes('team-a-app'))).toBe(true);
      // Labels come from a watch of Kustomizations: relabelled, team-b's next failure matches.
      await fixture.apply(kustomization('team-b-app', 'a'));
      await eventually('the relabelled Kustomization matched', async () => {
        await publisher.publish(failure('team-b-app'));
        return hooks.requests.some((r) => r.body.includes('team-b-app'));
      });
    } finally {
      await hooks.stop();
    }
  });

  it('dead-letters a malformed event with a log line naming the field and keeps notifying', async () => {
    const subject = subjectFor('Failed', 1, fixture.subjectPrefix);
    const js = nats.jetstream();
    await js.publish(subject, new TextEncoder().encode('{not json'));
    const invalid = { ...newEvent<FailedV1>({ type: 'Failed', schemaVersion: 1, object: { kind: 'Kustomization', namespace: fixture.namespace, name: 'apps' }, revision: null, reason: 'BuildFailed', message: 'x', stage: 'build', terminal: false }), reason: 'not pascal' };
    await js.publish(subject, new TextEncoder().encode(JSON.stringify(invalid)), { msgID: invalid.id });
    await publisher.publish(applied('after-bad-input', `main@sha1:${sha(4)}`));
    await eventually('the Slack call after bad input', () => slack.requests.find((r) => r.body.includes(sha(4))));
    const deadLetters = service!.lines.filter((line) => line.includes('dead letter'));
    expect(deadLetters.some((line) => line.includes('field \\"reason\\"') || line.includes('reason must be a PascalCase Flux reason'))).toBe(true);
    expect(deadLetters.length).toBeGreaterThanOrEqual(2);
  });

  it('after a restart, delivers each of 100 events published while stopped exactly once', async () => {
    expect(await stopService(service!)).toEqual({ code: 0, errors: [] });
    service = undefined;
    const before = slack.requests.length;
    const revisions = Array.from({ length: 100 }, (_, i) => `main@sha1:${sha(1000 + i)}`);
    for (const revision of revisions) await publisher.publish(applied('other', revision));
    service = await fixture.start({ NOTIFIER_RATE_LIMIT_INTERVAL: '0' });
    const delivered = () => slack.requests.slice(before).filter((r) => r.body.includes('kustomization/other.'));
    await eventually('100 Slack calls', () => delivered().length >= 100, 60_000);
    expect(await stopService(service)).toEqual({ code: 0, errors: [] });
    service = undefined;
    const texts = delivered().map((r) => (JSON.parse(r.body) as { attachments: { fields: { value: string }[] }[] }).attachments[0]!.fields[0]!.value);
    expect(texts).toHaveLength(100);
    expect(new Set(texts)).toEqual(new Set(revisions));
    // The store agrees: one delivered attempt per event, no stream with two.
    const db = await openEventStoreDatabase({ type: 'sqlite', path: fixture.databasePath });
    try {
      const rows = (await db.query(`SELECT stream_id, data FROM events WHERE type = 'NotificationAttempted'`)) as { stream_id: string; data: string }[];
      const deliveredPerStream = new Map<string, number>();
      for (const row of rows) {
        const data = JSON.parse(row.data) as { outcome: string; object: { name: string } };
        if (data.object.name === 'other' && data.outcome === 'delivered') deliveredPerStream.set(row.stream_id, (deliveredPerStream.get(row.stream_id) ?? 0) + 1);
      }
      expect(deliveredPerStream.size).toBe(100);
      expect([...deliveredPerStream.values()].every((count) => count === 1)).toBe(true);
    } finally {
      await db.destroy();
    }
    // Attempts stay in the store: none was relayed to JetStream (NOTIFIER_PUBLISH_ATTEMPTS is off).
    const attemptsOnTheBus = await (await nats.jetstreamManager()).streams
      .getMessage(fixture.stream, { last_by_subj: subjectFor('NotificationAttempted', 1, fixture.subjectPrefix) })
      .then(() => 'found', (error: Error) => error.message);
    expect(attemptsOnTheBus).toMatch(/no message found/);
  });
});

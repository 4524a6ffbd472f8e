import { createHash, createHmac } from 'node:crypto';
import { receiverSchema, type Receiver } from '@ferry/contracts';
import { verifyWebhook, webhookPath } from './receiver-verification';

const token = 's3cr3t';
const body = Buffer.from('{"ref":"refs/heads/main"}');

function receiver(type: string, events?: string[]): Receiver {
  return receiverSchema.parse({
    apiVersion: 'notification.toolkit.fluxcd.io/v1',
    kind: 'Receiver',
    metadata: { name: 'hook', namespace: 'flux-system' },
    spec: { type, ...(events ? { events } : {}), secretRef: { name: 'token' }, resources: [{ kind: 'GitRepository', name: 'app' }] },
  });
}

describe('receiver webhooks', () => {
  it('Given a token, name and namespace, When the path is computed, Then it is /hook/ + sha256(token+name+namespace)', () => {
    const expected = createHash('sha256').update('s3cr3thookflux-system').digest('hex');
    expect(webhookPath(token, 'hook', 'flux-system')).toBe(`/hook/${expected}`);
  });

  it('Given a gitlab receiver for push events, When called with the right token and a Push Hook, Then it reconciles', () => {
    const verdict = verifyWebhook(receiver('gitlab', ['Push Hook', 'Tag Push Hook']), token, {
      headers: { 'x-gitlab-token': token, 'x-gitlab-event': 'Push Hook' },
      body,
    });
    expect(verdict).toEqual({ accepted: true, reconcile: true });
  });

  it('Given a gitlab receiver, When the token is wrong or missing, Then it is rejected', () => {
    expect(verifyWebhook(receiver('gitlab'), token, { headers: { 'x-gitlab-token': 'nope' }, body })).toMatchObject({ accepted: false });
    expect(verifyWebhook(receiver('gitlab'), token, { headers: {}, body })).toMatchObject({ accepted: false });
  });

  it('Given a gitlab receiver for push events, When a Merge Request Hook arrives, Then it is rejected naming the event', () => {
    const verdict = verifyWebhook(receiver('gitlab', ['Push Hook']), token, {
      headers: { 'x-gitlab-token': token, 'x-gitlab-event': 'Merge Request Hook' },
      body,
    });
    expect(verdict).toEqual({ accepted: false, reason: 'GitLab event "Merge Request Hook" is not in spec.events' });
  });

  it('Given a github receiver, When signed correctly, Then push reconciles and ping does not', () => {
    const signature = `sha256=${createHmac('sha256', token).update(body).digest('hex')}`;
    const push = verifyWebhook(receiver('github', ['push']), token, { headers: { 'x-hub-signature-256': signature, 'x-github-event': 'push' }, body });
    const ping = verifyWebhook(receiver('github', ['push']), token, { headers: { 'x-hub-signature-256': signature, 'x-github-event': 'ping' }, body });
    expect(push).toEqual({ accepted: true, reconcile: true });
    expect(ping).toEqual({ accepted: true, reconcile: false, note: 'ping' });
  });

  it('Given a github receiver, When the signature is for another body, Then it is rejected', () => {
    const signature = `sha256=${createHmac('sha256', token).update('other').digest('hex')}`;
    expect(verifyWebhook(receiver('github'), token, { headers: { 'x-hub-signature-256': signature, 'x-github-event': 'push' }, body })).toMatchObject({ accepted: false });
  });

  it('Given a generic-hmac receiver, When X-Signature is right or wrong, Then it is accepted or rejected', () => {
    const good = `sha256=${createHmac('sha256', token).update(body).digest('hex')}`;
    expect(verifyWebhook(receiver('generic-hmac'), token, { headers: { 'x-signature': good }, body })).toEqual({ accepted: true, reconcile: true });
    expect(verifyWebhook(receiver('generic-hmac'), token, { headers: { 'x-signature': 'sha256=00' }, body })).toMatchObject({ accepted: false });
  });

  it('Given a generic receiver, When called, Then the path alone authenticates it', () => {
    expect(verifyWebhook(receiver('generic'), token, { headers: {}, body })).toEqual({ accepted: true, reconcile: true });
  });

  it('Given an unsupported type, When called, Then it is rejected naming the type', () => {
    expect(verifyWebhook(receiver('gcr'), token, { headers: {}, body })).toEqual({ accepted: false, reason: 'receiver type "gcr" is not supported by Ferry' });
  });

  it('Given a bitbucket receiver for pushes, When signed like GitHub, Then repo:refs_changed reconciles and other events or bodies are refused', () => {
    const signature = `sha256=${createHmac('sha256', token).update(body).digest('hex')}`;
    const bitbucket = receiver('bitbucket', ['repo:refs_changed']);
    expect(verifyWebhook(bitbucket, token, { headers: { 'x-hub-signature': signature, 'x-event-key': 'repo:refs_changed' }, body })).toEqual({ accepted: true, reconcile: true });
    expect(verifyWebhook(bitbucket, token, { headers: { 'x-hub-signature': signature, 'x-event-key': 'pr:opened' }, body })).toEqual({
      accepted: false,
      reason: 'Bitbucket event "pr:opened" is not in spec.events',
    });
    expect(verifyWebhook(bitbucket, token, { headers: { 'x-hub-signature': signature, 'x-event-key': 'repo:refs_changed' }, body: Buffer.from('{}') })).toMatchObject({ accepted: false });
  });

  it('Given a harbor receiver, When the Authorization header is the token or not, Then it is accepted or rejected', () => {
    expect(verifyWebhook(receiver('harbor'), token, { headers: { authorization: token }, body })).toEqual({ accepted: true, reconcile: true });
    expect(verifyWebhook(receiver('harbor'), token, { headers: { authorization: `Bearer ${token}` }, body })).toEqual({
      accepted: false,
      reason: 'the Authorization header does not match the receiver token',
    });
  });

  it('Given a nexus receiver, When the hex HMAC-SHA1 of the body is in X-Nexus-Webhook-Signature, Then it is accepted', () => {
    const nexusBody = Buffer.from('{"action":"CREATED","repositoryName":"docker-hosted"}');
    const signature = createHmac('sha1', token).update(nexusBody).digest('hex');
    expect(verifyWebhook(receiver('nexus'), token, { headers: { 'x-nexus-webhook-signature': signature }, body: nexusBody })).toEqual({ accepted: true, reconcile: true });
    expect(verifyWebhook(receiver('nexus'), token, { headers: { 'x-nexus-webhook-signature': signature }, body: Buffer.from('{}') })).toMatchObject({ accepted: false });
    expect(verifyWebhook(receiver('nexus'), token, { headers: {}, body: nexusBody })).toMatchObject({ accepted: false });
  });

  it.each(['quay', 'dockerhub', 'acr'])('Given a %s receiver, When its JSON payload arrives, Then the path authenticates it; a non-JSON body is malformed', (type) => {
    const payload = Buffer.from('{"docker_url":"quay.io/org/app","updated_tags":["v1"],"push_data":{"tag":"v1"},"target":{"repository":"app","tag":"v1"}}');
    expect(verifyWebhook(receiver(type), token, { headers: {}, body: payload })).toEqual({ accepted: true, reconcile: true });
    expect(verifyWebhook(receiver(type), token, { headers: {}, body: Buffer.from('tag=v1') })).toMatchObject({ accepted: false, malformed: true });
    expect(verifyWebhook(receiver(type), token, { headers: {}, body: Buffer.from('["v1"]') })).toMatchObject({ accepted: false, malformed: true });
  });
});

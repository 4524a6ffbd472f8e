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
    expect(verifyWebhook(receiver('harbor'), token, { headers: {}, body })).toEqual({ accepted: false, reason: 'receiver type "harbor" is not supported by Ferry' });
  });
});

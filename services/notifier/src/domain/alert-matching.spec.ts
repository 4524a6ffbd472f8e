import { alertSchema, newEvent, type Alert, type AppliedV1, type FailedV1 } from '@ferry/contracts';
import { alertMatches, compileAlert, enrichForAlert, InvalidAlertError } from './alert-matching';
import { toFluxEvent, type FluxEvent } from './flux-event';

const sha = 'c'.repeat(40);

function alert(spec: Record<string, unknown>, namespace = 'flux-system'): Alert {
  return alertSchema.parse({
    apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
    kind: 'Alert',
    metadata: { name: 'on-call', namespace },
    spec: { providerRef: { name: 'slack' }, eventSources: [{ kind: 'Kustomization', name: '*' }], ...spec },
  });
}

function applied(name = 'apps', namespace = 'flux-system'): FluxEvent {
  return toFluxEvent(
    newEvent<AppliedV1>({
      type: 'Applied',
      schemaVersion: 1,
      object: { kind: 'Kustomization', namespace, name },
      revision: `main@sha1:${sha}`,
      changeSet: [{ id: 'Deployment/default/podinfo', action: 'configured' }],
      durationMs: 1200,
    }),
  )!;
}

function failed(message = 'kustomization path not found'): FluxEvent {
  return toFluxEvent(
    newEvent<FailedV1>({
      type: 'Failed',
      schemaVersion: 1,
      object: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
      revision: `main@sha1:${sha}`,
      reason: 'BuildFailed',
      message,
      stage: 'build',
      terminal: false,
    }),
  )!;
}

const noLabels = () => undefined;
const matches = (a: Alert, event: FluxEvent, labels: Record<string, string> | undefined = undefined) =>
  alertMatches(compileAlert(a), event, () => labels);

describe('alert matching', () => {
  describe('event severity', () => {
    it('Given an info alert, When an Applied (info) or a Failed (error) event arrives, Then both match', () => {
      const given = alert({ eventSeverity: 'info' });
      expect(matches(given, applied())).toBe(true);
      expect(matches(given, failed())).toBe(true);
    });

    it('Given an error alert, When an Applied event arrives, Then it does not match, but a Failed one does', () => {
      const given = alert({ eventSeverity: 'error' });
      expect(matches(given, applied())).toBe(false);
      expect(matches(given, failed())).toBe(true);
    });
  });

  describe('event sources', () => {
    it('Given a source by name, When events of that and another object arrive, Then only the named one matches', () => {
      const given = alert({ eventSources: [{ kind: 'Kustomization', name: 'apps' }] });
      expect(matches(given, applied('apps'))).toBe(true);
      expect(matches(given, applied('infra'))).toBe(false);
    });

    it('Given a source without namespace, When an event from another namespace arrives, Then it does not match', () => {
      const given = alert({ eventSources: [{ kind: 'Kustomization', name: '*' }] });
      expect(matches(given, applied('apps', 'team-a'))).toBe(false);
    });

    it('Given a source with an explicit namespace, When an event from that namespace arrives, Then it matches', () => {
      const given = alert({ eventSources: [{ kind: 'Kustomization', name: '*', namespace: 'team-a' }] });
      expect(matches(given, applied('apps', 'team-a'))).toBe(true);
    });

    it('Given a source of another kind, When a Kustomization event arrives, Then it does not match', () => {
      expect(matches(alert({ eventSources: [{ kind: 'GitRepository', name: '*' }] }), applied())).toBe(false);
    });

    it('Given name "*" with matchLabels, When the object has or lacks the labels, Then it matches only with them', () => {
      const given = alert({ eventSources: [{ kind: 'Kustomization', name: '*', matchLabels: { team: 'a' } }] });
      expect(matches(given, applied(), { team: 'a', tier: 'web' })).toBe(true);
      expect(matches(given, applied(), { team: 'b' })).toBe(false);
      expect(matches(given, applied(), undefined)).toBe(false);
    });

    it('Given matchLabels with a concrete name, When compiled, Then it is rejected naming the field', () => {
      const given = alert({ eventSources: [{ kind: 'Kustomization', name: 'apps', matchLabels: { team: 'a' } }] });
      expect(() => compileAlert(given)).toThrow('spec.eventSources[0].matchLabels requires name "*"');
    });
  });

  describe('inclusion and exclusion lists', () => {
    it('Given an inclusion list, When the message matches none, Then it does not match', () => {
      const given = alert({ inclusionList: ['.*path not found.*'] });
      expect(matches(given, failed('kustomization path not found'))).toBe(true);
      expect(matches(given, failed('health check failed'))).toBe(false);
    });

    it('Given an exclusion list, When the message matches it, Then it does not match even if included', () => {
      const given = alert({ inclusionList: ['.*'], exclusionList: ['^kustomization path'] });
      expect(matches(given, failed('kustomization path not found'))).toBe(false);
      expect(matches(given, failed('health check failed'))).toBe(true);
    });

    it('Given a bad regex, When compiled, Then an InvalidAlertError names the list and index', () => {
      const given = alert({ exclusionList: ['ok', '(unclosed'] });
      expect(() => compileAlert(given)).toThrow(InvalidAlertError);
      expect(() => compileAlert(given)).toThrow('spec.exclusionList[1] "(unclosed" is not a valid regular expression');
    });
  });

  it('Given a suspended alert, When a matching event arrives, Then it does not match', () => {
    expect(alertMatches(compileAlert(alert({ suspend: true })), applied(), noLabels)).toBe(false);
  });

  describe('enrichment', () => {
    it('Given eventMetadata and summary, When enriched, Then both are added and the emitter keeps its revision', () => {
      const given = alert({ summary: 'Cluster: prod', eventMetadata: { env: 'prod', revision: 'overridden?' } });
      const event = enrichForAlert(given, applied());
      expect(event.metadata).toEqual({ env: 'prod', summary: 'Cluster: prod', revision: `main@sha1:${sha}` });
    });

    it('Given no metadata on the alert, When enriched, Then the event is unchanged', () => {
      const event = applied();
      expect(enrichForAlert(alert({}), event)).toBe(event);
    });
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChart, loadChartDirectory, renderChart, type RenderOptions } from '../src/index';

// podinfo's chart (testdata/podinfo) rendered with its defaults, checked against what its templates say
// (worked out by hand from templates and values, in Helm's output form).
const CHART_DIR = join(__dirname, '../testdata/podinfo');
const options: RenderOptions = { release: { name: 'pi', namespace: 'apps', revision: 1, isInstall: true, isUpgrade: false }, kubeVersion: 'v1.32.0' };
const labels = {
  'helm.sh/chart': 'podinfo-6.9.1',
  'app.kubernetes.io/name': 'pi-podinfo',
  'app.kubernetes.io/version': '6.9.1',
  'app.kubernetes.io/managed-by': 'Helm',
};
const probe = (path: string): Record<string, unknown> => ({
  exec: { command: ['podcli', 'check', 'http', `localhost:9898/${path}`] },
  initialDelaySeconds: 1,
  timeoutSeconds: 5,
  failureThreshold: 3,
  successThreshold: 1,
  periodSeconds: 10,
});

describe('podinfo chart', () => {
  const rendered = renderChart(loadChartDirectory(CHART_DIR), {}, options);

  it('renders the Service text exactly as helm template prints it', () => {
    expect(rendered.manifest.split('---\n')[1]).toBe(
      [
        '# Source: podinfo/templates/service.yaml',
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: pi-podinfo',
        '  labels:',
        '    helm.sh/chart: podinfo-6.9.1',
        '    app.kubernetes.io/name: pi-podinfo',
        '    app.kubernetes.io/version: "6.9.1"',
        '    app.kubernetes.io/managed-by: Helm',
        'spec:',
        '  type: ClusterIP',
        '  ports:',
        '    - port: 9898',
        '      targetPort: http',
        '      protocol: TCP',
        '      name: http',
        '    - port: 9999',
        '      targetPort: grpc',
        '      protocol: TCP',
        '      name: grpc',
        '  selector:',
        '    app.kubernetes.io/name: pi-podinfo',
        '',
      ].join('\n'),
    );
  });

  it('renders the Deployment from the default values', () => {
    expect(rendered.manifests.map((m) => m.kind)).toEqual(['Service', 'Deployment']);
    expect(rendered.manifests[1]).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'pi-podinfo', namespace: 'apps', labels },
      spec: {
        replicas: 1,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
        selector: { matchLabels: { 'app.kubernetes.io/name': 'pi-podinfo' } },
        template: {
          metadata: {
            labels: { 'app.kubernetes.io/name': 'pi-podinfo' },
            annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9898' },
          },
          spec: {
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                name: 'podinfo',
                image: 'ghcr.io/stefanprodan/podinfo:6.9.1',
                imagePullPolicy: 'IfNotPresent',
                command: [
                  './podinfo', '--port=9898', '--cert-path=/data/cert', '--port-metrics=9797', '--grpc-port=9999',
                  '--grpc-service-name=podinfo', '--level=info', '--random-delay=false', '--random-error=false',
                ],
                env: [{ name: 'PODINFO_UI_COLOR', value: '#34577c' }],
                ports: [
                  { name: 'http', containerPort: 9898, protocol: 'TCP' },
                  { name: 'http-metrics', containerPort: 9797, protocol: 'TCP' },
                  { name: 'grpc', containerPort: 9999, protocol: 'TCP' },
                ],
                livenessProbe: probe('healthz'),
                readinessProbe: probe('readyz'),
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
                resources: { limits: null, requests: { cpu: '1m', memory: '16Mi' } },
              },
            ],
            volumes: [{ name: 'data', emptyDir: {} }],
          },
        },
      },
    });
  });

  it('keeps the test Pod as a test hook and renders NOTES.txt', () => {
    expect(rendered.hooks.map((h) => [h.kind, h.events, h.path])).toEqual([['Pod', ['test'], 'podinfo/templates/tests/service.yaml']]);
    expect(rendered.hooks[0]?.name).toMatch(/^pi-podinfo-service-test-[a-z0-9]{5}$/);
    expect(rendered.notes).toBe(
      '1. Get the application URL by running these commands:\n' +
        '  echo "Visit http://127.0.0.1:8080 to use your application"\n' +
        '  kubectl -n apps port-forward deploy/pi-podinfo 8080:9898\n',
    );
  });

  it('follows values: HPA instead of replicas, ingress, PDB, service account and extra args', () => {
    const custom = renderChart(
      loadChartDirectory(CHART_DIR),
      {
        replicaCount: 3,
        hpa: { enabled: true, cpu: 80 },
        ingress: { enabled: true, className: 'nginx' },
        podDisruptionBudget: { maxUnavailable: 1 },
        serviceAccount: { enabled: true },
        extraArgs: ['--otel-service-name=pi'],
        ui: { message: 'hello: world' },
      },
      options,
    );
    expect(custom.manifests.map((m) => m.kind)).toEqual(['PodDisruptionBudget', 'ServiceAccount', 'Service', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress']);
    const byKind = Object.fromEntries(custom.manifests.map((m) => [m.kind, m]));
    const deployment = byKind['Deployment'] as { spec: Record<string, unknown> & { template: { spec: { serviceAccountName: string; containers: { command: string[]; env: unknown[] }[] } } } };
    expect(deployment.spec['replicas']).toBeUndefined();
    expect(deployment.spec.template.spec.serviceAccountName).toBe('pi-podinfo');
    expect(deployment.spec.template.spec.containers[0]?.command.at(-1)).toBe('--otel-service-name=pi');
    expect(deployment.spec.template.spec.containers[0]?.env[0]).toEqual({ name: 'PODINFO_UI_MESSAGE', value: 'hello: world' });
    expect(byKind['HorizontalPodAutoscaler']).toMatchObject({
      spec: { minReplicas: 3, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] },
    });
    expect(byKind['Ingress']).toMatchObject({
      spec: { ingressClassName: 'nginx', rules: [{ host: 'podinfo.local', http: { paths: [{ path: '/', pathType: 'ImplementationSpecific', backend: { service: { name: 'pi-podinfo', port: { number: 9898 } } } }] } }] },
    });
    expect(byKind['PodDisruptionBudget']).toMatchObject({ spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'pi-podinfo' } } } });
  });

  it('renders the same from the packaged chart as from the directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-helm-podinfo-'));
    try {
      execFileSync('tar', ['-czf', join(dir, 'podinfo-6.9.1.tgz'), '-C', join(CHART_DIR, '..'), 'podinfo']);
      const packaged = renderChart(loadChart(readFileSync(join(dir, 'podinfo-6.9.1.tgz'))), {}, options);
      expect(packaged.manifest).toBe(rendered.manifest);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a cluster older than the chart allows', () => {
    expect(() => renderChart(loadChartDirectory(CHART_DIR), {}, { ...options, kubeVersion: 'v1.22.0' })).toThrow(
      'chart requires kubeVersion: >=1.23.0-0 which is incompatible with Kubernetes v1.22.0',
    );
  });
});

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { KubectlFixture, startWithKubectl, uniqueName } from '../test/kubectl';

jest.setTimeout(60_000);

const deployment = (name: string, ns: string, image = 'nginx:1.27', extra = ''): string => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels: {app: ${name}, tier: web}
${extra}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: app
        image: ${image}
        ports: [{containerPort: 80}]
`;

const namespace = (ns: string): string => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`;

describe('kubectl against the dev cluster', () => {
  let fx: KubectlFixture;
  let ns: string;

  beforeAll(async () => {
    fx = await startWithKubectl();
  });
  afterAll(async () => {
    await fx.stop();
  });
  beforeEach(async () => {
    ns = uniqueName('t');
    const r = await fx.kubectl(['apply', '-f', '-'], namespace(ns));
    expect(r.stdout).toContain(`namespace/${ns} created`);
  });

  it('lists api-resources with scopes and short names', async () => {
    const r = await fx.kubectl(['api-resources']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
    expect(r.stdout).toMatch(/namespaces\s+ns\s+v1\s+false\s+Namespace/);
    expect(r.stdout).toMatch(/clusterroles\s+rbac.authorization.k8s.io\/v1\s+false\s+ClusterRole/);
  });

  it('applies client-side, waits for Available, rolls out, and prints tables', async () => {
    const applied = await fx.kubectl(['apply', '-f', '-'], deployment('web', ns));
    expect(applied.stdout.trim()).toBe('deployment.apps/web created');
    const wait = await fx.kubectl(['wait', '-n', ns, '--for=condition=Available', 'deployment/web', '--timeout=20s']);
    expect(wait.stdout.trim()).toBe('deployment.apps/web condition met');
    const rollout = await fx.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=20s']);
    expect(rollout.stdout).toContain('deployment "web" successfully rolled out');
    const wide = await fx.kubectl(['get', 'deploy', '-n', ns, '-o', 'wide']);
    expect(wide.stdout).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR/);
    expect(wide.stdout).toMatch(/web\s+2\/2\s+2\s+2\s+\S+\s+app\s+nginx:1.27\s+app=web/);
    const pods = await fx.kubectl(['get', 'pods', '-n', ns, '-l', 'app=web']);
    expect(pods.stdout.match(/web-[a-z0-9]+-[a-z0-9]+\s+1\/1\s+Running/g)).toHaveLength(2);

    const updated = await fx.kubectl(['apply', '-f', '-'], deployment('web', ns, 'nginx:1.28'));
    expect(updated.stdout.trim()).toBe('deployment.apps/web configured');
    const rollout2 = await fx.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=20s']);
    expect(rollout2.code).toBe(0);
    const json = JSON.parse((await fx.kubectl(['get', 'deploy', 'web', '-n', ns, '-o', 'json'])).stdout) as {
      metadata: { generation: number };
      spec: { template: { spec: { containers: { image: string }[] } } };
      status: { observedGeneration: number; updatedReplicas: number };
    };
    expect(json.metadata.generation).toBe(2);
    expect(json.status.observedGeneration).toBe(2);
    expect(json.spec.template.spec.containers[0]?.image).toBe('nginx:1.28');
    const rs = await fx.kubectl(['get', 'rs', '-n', ns, '--no-headers']);
    expect(rs.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('reports a failing workload to wait and rollout status', async () => {
    await fx.kubectl(['apply', '-f', '-'], deployment('broken', ns, 'registry.invalid/fail:1'));
    const wait = await fx.kubectl(['wait', '-n', ns, '--for=condition=Available', 'deployment/broken', '--timeout=2s']);
    expect(wait.code).not.toBe(0);
    expect(wait.stderr).toContain('timed out waiting for the condition');
    const rollout = await fx.kubectl(['rollout', 'status', '-n', ns, 'deployment/broken', '--timeout=10s']);
    expect(rollout.code).not.toBe(0);
    expect(rollout.stderr).toContain('exceeded its progress deadline');
    const pods = await fx.kubectl(['get', 'pods', '-n', ns]);
    expect(pods.stdout).toContain('ImagePullBackOff');
    const events = await fx.kubectl(['get', 'events', '-n', ns, '--field-selector', 'type=Warning', '-o', 'jsonpath={.items[*].reason}']);
    expect(events.stdout.split(' ')).toContain('Failed');
  });

  it('applies server-side and shows the field manager', async () => {
    const r = await fx.kubectl(['apply', '--server-side', '-f', '-'], deployment('ssa', ns));
    expect(r.stdout.trim()).toBe('deployment.apps/ssa serverside-applied');
    const y = await fx.kubectl(['get', 'deploy', 'ssa', '-n', ns, '-o', 'yaml', '--show-managed-fields']);
    expect(y.stdout).toContain('manager: kubectl');
    expect(y.stdout).toContain('operation: Apply');
    expect(y.stdout).toContain('k:{"name":"app"}');
    expect(y.stdout).toContain('k:{"containerPort":80,"protocol":"TCP"}');
    const conflict = await fx.kubectl(['apply', '--server-side', '--field-manager=other', '-f', '-'], deployment('ssa', ns, 'nginx:2'));
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('conflict with "kubectl"');
    expect(conflict.stderr).toContain('.spec.template.spec.containers[name="app"].image');
    const forced = await fx.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=other', '-f', '-'], deployment('ssa', ns, 'nginx:2'));
    expect(forced.stdout.trim()).toBe('deployment.apps/ssa serverside-applied');
    const img = await fx.kubectl(['get', 'deploy', 'ssa', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    expect(img.stdout).toBe('nginx:2');
  });

  it('diffs against the live object (client-side and server-side)', async () => {
    await fx.kubectl(['apply', '-f', '-'], deployment('d', ns));
    const same = await fx.kubectl(['diff', '-f', '-'], deployment('d', ns));
    expect(same.code).toBe(0);
    expect(same.stdout).toBe('');
    const changed = await fx.kubectl(['diff', '-f', '-'], deployment('d', ns, 'nginx:9'));
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/^-\s+(- )?image: nginx:1.27$/m);
    expect(changed.stdout).toMatch(/^\+\s+(- )?image: nginx:9$/m);
    const ssa = await fx.kubectl(['diff', '--server-side', '--force-conflicts', '-f', '-'], deployment('d', ns, 'nginx:10'));
    expect(ssa.stdout).toMatch(/^\+\s+(- )?image: nginx:10$/m);
    const live = await fx.kubectl(['get', 'deploy', 'd', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
    expect(live.stdout).toBe('nginx:1.27');
  });

  it('serves a CRD and its custom resources, with printer columns and the status subresource', async () => {
    const group = `${ns}.example.com`;
    const crd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.${group}}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd${ns.slice(2)}]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Wheels, type: string, jsonPath: '.spec.parts[?(@.kind=="wheel")].count'}
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`;
    const c = await fx.kubectl(['apply', '-f', '-'], crd);
    expect(c.stdout.trim()).toBe(`customresourcedefinition.apiextensions.k8s.io/widgets.${group} created`);
    const est = await fx.kubectl(['wait', '--for=condition=Established', `crd/widgets.${group}`, '--timeout=10s']);
    expect(est.code).toBe(0);
    const cr = `apiVersion: ${group}/v1\nkind: Widget\nmetadata: {name: w1, namespace: ${ns}}\nspec: {size: 3, parts: [{kind: bolt, count: 9}, {kind: wheel, count: 4}]}\nstatus: {ignored: true}\n`;
    expect((await fx.kubectl(['apply', '-f', '-'], cr)).stdout.trim()).toBe(`widget.${group}/w1 created`);
    const table = await fx.kubectl(['get', `widgets.${group}`, '-n', ns]);
    expect(table.stdout).toMatch(/NAME\s+SIZE\s+WHEELS\s+AGE\nw1\s+3\s+4\s+\S+/);
    const short = await fx.kubectl(['get', `wd${ns.slice(2)}`, '-n', ns, '-o', 'name']);
    expect(short.stdout.trim()).toBe(`widget.${group}/w1`);
    const obj = JSON.parse((await fx.kubectl(['get', `widgets.${group}`, 'w1', '-n', ns, '-o', 'json'])).stdout) as Record<string, unknown>;
    expect(obj['status']).toBeUndefined();
    const resources = await fx.kubectl(['api-resources', `--api-group=${group}`]);
    expect(resources.stdout).toMatch(new RegExp(`widgets\\s+wd${ns.slice(2)}\\s+${group.replace(/\./g, '\\.')}/v1\\s+true\\s+Widget`));
    const del = await fx.kubectl(['delete', 'crd', `widgets.${group}`]);
    expect(del.code).toBe(0);
    const after = await fx.kubectl(['get', `widgets.${group}`, '-n', ns]);
    expect(after.code).not.toBe(0);
  });

  it('validates and prunes custom resources by the CRD schema', async () => {
    const group = `${ns}.schema.example.com`;
    const crd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: repos.${group}}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: repos, singular: repo, kind: Repo}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [url]
            properties:
              url: {type: string}
              interval: {type: string, default: 5m}
`;
    expect((await fx.kubectl(['apply', '-f', '-'], crd)).code).toBe(0);
    const bogus = await fx.kubectl(['apply', '-f', '-'], `apiVersion: ${group}/v1\nkind: Repo\nmetadata: {name: r, namespace: ${ns}}\nspec: {url: "https://x", bogus: 1}\n`);
    expect(bogus.code).not.toBe(0);
    expect(bogus.stderr).toContain('strict decoding error: unknown field "spec.bogus"');
    const missing = await fx.kubectl(['apply', '-f', '-'], `apiVersion: ${group}/v1\nkind: Repo\nmetadata: {name: r, namespace: ${ns}}\nspec: {}\n`);
    expect(missing.stderr).toContain(`The Repo "r" is invalid: spec.url: Required value`);
    const ok = await fx.kubectl(['apply', '-f', '-'], `apiVersion: ${group}/v1\nkind: Repo\nmetadata: {name: r, namespace: ${ns}}\nspec: {url: "https://x"}\n`);
    expect(ok.stdout.trim()).toBe(`repo.${group}/r created`);
    const interval = await fx.kubectl(['get', `repos.${group}`, 'r', '-n', ns, '-o', 'jsonpath={.spec.interval}']);
    expect(interval.stdout).toBe('5m');
  });

  it('selects by label and prints yaml', async () => {
    const cms = ['a', 'b', 'c']
      .map((n, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}, namespace: ${ns}, labels: {idx: "${i}", group: ${i < 2 ? 'low' : 'high'}}}\ndata: {k: v${i}}\n`)
      .join('---\n');
    await fx.kubectl(['apply', '-f', '-'], cms);
    const low = await fx.kubectl(['get', 'cm', '-n', ns, '-l', 'group=low', '-o', 'name']);
    expect(low.stdout.trim().split('\n')).toEqual(['configmap/a', 'configmap/b']);
    const notIn = await fx.kubectl(['get', 'cm', '-n', ns, '-l', 'idx notin (0,1)', '-o', 'name']);
    expect(notIn.stdout.trim()).toBe('configmap/c');
    const y = await fx.kubectl(['get', 'cm', 'c', '-n', ns, '-o', 'yaml']);
    expect(y.stdout).toMatch(/^kind: ConfigMap$/m);
    expect(y.stdout).toMatch(/^ {2}k: v2$/m);
    const table = await fx.kubectl(['get', 'cm', '-n', ns, '--show-labels']);
    expect(table.stdout).toMatch(/NAME\s+DATA\s+AGE\s+LABELS/);
    expect(table.stdout).toMatch(/a\s+1\s+\S+\s+group=low,idx=0/);
  });

  it('deletes objects, cascades to dependents, and empties a deleted namespace', async () => {
    await fx.kubectl(['apply', '-f', '-'], deployment('gone', ns));
    await fx.kubectl(['wait', '-n', ns, '--for=condition=Available', 'deployment/gone', '--timeout=20s']);
    const del = await fx.kubectl(['delete', 'deployment', 'gone', '-n', ns]);
    expect(del.stdout.trim()).toBe('deployment.apps "gone" deleted');
    const rest = await fx.kubectl(['get', 'rs,pods', '-n', ns, '-o', 'name']);
    expect(rest.stdout.trim()).toBe('');
    const missing = await fx.kubectl(['get', 'deployment', 'gone', '-n', ns]);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "gone" not found');
    await fx.kubectl(['apply', '-f', '-'], `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: ${ns}}\n`);
    const nsDel = await fx.kubectl(['delete', 'namespace', ns, '--timeout=20s']);
    expect(nsDel.stdout.trim()).toBe(`namespace "${ns}" deleted`);
    const nsGet = await fx.kubectl(['get', 'namespace', ns]);
    expect(nsGet.stderr).toContain(`namespaces "${ns}" not found`);
  });

  it('streams changes with get -w', async () => {
    const child = spawn('kubectl', ['--kubeconfig', fx.kubeconfig, '--cache-dir', join(fx.dir, 'cache'), 'get', 'cm', '-n', ns, '-w'], {
      env: { PATH: process.env['PATH'] ?? '', HOME: fx.dir },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const until = async (re: RegExp): Promise<void> => {
      for (let i = 0; i < 100 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    };
    await new Promise((r) => setTimeout(r, 500));
    await fx.kubectl(['apply', '-f', '-'], `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched, namespace: ${ns}}\ndata: {a: "1"}\n`);
    await until(/watched\s+1/);
    await fx.kubectl(['apply', '-f', '-'], `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched, namespace: ${ns}}\ndata: {a: "1", b: "2"}\n`);
    await until(/watched\s+2/);
    child.kill('SIGTERM');
    expect(out).toMatch(/NAME\s+DATA\s+AGE/);
    expect(out).toMatch(/watched\s+1\s+\S+/);
    expect(out).toMatch(/watched\s+2\s+\S+/);
  });

  it('scales through the scale subresource', async () => {
    await fx.kubectl(['apply', '-f', '-'], deployment('sc', ns));
    const scaled = await fx.kubectl(['scale', '-n', ns, 'deployment/sc', '--replicas=4']);
    expect(scaled.stdout.trim()).toBe('deployment.apps/sc scaled');
    const rollout = await fx.kubectl(['rollout', 'status', '-n', ns, 'deployment/sc', '--timeout=20s']);
    expect(rollout.code).toBe(0);
    const ready = await fx.kubectl(['get', 'deploy', 'sc', '-n', ns, '-o', 'jsonpath={.status.readyReplicas}/{.spec.replicas}']);
    expect(ready.stdout).toBe('4/4');
    const pods = await fx.kubectl(['get', 'pods', '-n', ns, '-l', 'app=sc', '-o', 'name']);
    expect(pods.stdout.trim().split('\n')).toHaveLength(4);
  });

  it('creates simple kinds with kubectl create generators (protobuf bodies)', async () => {
    expect((await fx.kubectl(['create', 'configmap', 'gen', '-n', ns, '--from-literal=a=1', '--from-literal=b=2'])).stdout.trim()).toBe('configmap/gen created');
    expect((await fx.kubectl(['create', 'secret', 'generic', 'pw', '-n', ns, '--from-literal=pw=hunter2'])).stdout.trim()).toBe('secret/pw created');
    const cm = JSON.parse((await fx.kubectl(['get', 'cm', 'gen', '-n', ns, '-o', 'json'])).stdout) as { data: Record<string, string> };
    expect(cm.data).toEqual({ a: '1', b: '2' });
    const secret = await fx.kubectl(['get', 'secret', 'pw', '-n', ns]);
    expect(secret.stdout).toMatch(/pw\s+Opaque\s+1\s+/);
    const other = uniqueName('gen');
    expect((await fx.kubectl(['create', 'namespace', other])).stdout.trim()).toBe(`namespace/${other} created`);
    const unsupported = await fx.kubectl(['create', 'deployment', 'd', '--image=nginx', '-n', ns]);
    expect(unsupported.code).not.toBe(0);
    expect(unsupported.stderr).toContain('accepted media types include: application/json');
  });

  it('rolls out StatefulSets and DaemonSets, and lists them under get all', async () => {
    const podTemplate = (app: string): string =>
      `  selector: {matchLabels: {app: ${app}}}\n  template:\n    metadata: {labels: {app: ${app}}}\n    spec:\n      containers: [{name: c, image: redis:7}]\n`;
    await fx.kubectl(
      ['apply', '-f', '-'],
      `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: ${ns}}\nspec:\n  replicas: 2\n  serviceName: db\n${podTemplate('db')}---\n` +
        `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: ${ns}}\nspec:\n${podTemplate('agent')}`,
    );
    const sts = await fx.kubectl(['rollout', 'status', '-n', ns, 'statefulset/db', '--timeout=20s']);
    expect(sts.stdout).toContain('partitioned roll out complete: 2 new pods have been updated');
    const ds = await fx.kubectl(['rollout', 'status', '-n', ns, 'daemonset/agent', '--timeout=20s']);
    expect(ds.stdout).toContain('daemon set "agent" successfully rolled out');
    const all = await fx.kubectl(['get', 'all', '-n', ns, '-o', 'name']);
    expect(all.stdout.trim().split('\n').sort()).toEqual(
      expect.arrayContaining(['pod/db-0', 'pod/db-1', 'statefulset.apps/db', 'daemonset.apps/agent']),
    );
  });

  it('patches with every patch type, labels, and honours --dry-run=server', async () => {
    await fx.kubectl(['apply', '-f', '-'], deployment('p', ns));
    const strategic = await fx.kubectl(['patch', 'deploy', 'p', '-n', ns, '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"envoy"}]}}}}']);
    expect(strategic.stdout.trim()).toBe('deployment.apps/p patched');
    const merge = await fx.kubectl(['patch', 'deploy', 'p', '-n', ns, '--type=merge', '-p', '{"metadata":{"annotations":{"a":"b"}}}']);
    expect(merge.code).toBe(0);
    const json = await fx.kubectl(['patch', 'deploy', 'p', '-n', ns, '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":3}]']);
    expect(json.code).toBe(0);
    expect((await fx.kubectl(['label', 'deploy', 'p', '-n', ns, 'stage=canary'])).stdout.trim()).toBe('deployment.apps/p labeled');
    const got = JSON.parse((await fx.kubectl(['get', 'deploy', '-n', ns, '-l', 'stage=canary', '-o', 'json'])).stdout) as {
      items: { metadata: { annotations: Record<string, string> }; spec: { replicas: number; template: { spec: { containers: { name: string }[] } } } }[];
    };
    expect(got.items).toHaveLength(1);
    expect(got.items[0]?.spec.template.spec.containers.map((c) => c.name)).toEqual(['app', 'side']);
    expect(got.items[0]?.spec.replicas).toBe(3);
    expect(got.items[0]?.metadata.annotations['a']).toBe('b');
    const dry = await fx.kubectl(['delete', 'deploy', 'p', '-n', ns, '--dry-run=server']);
    expect(dry.stdout.trim()).toBe('deployment.apps "p" deleted (server dry run)');
    expect((await fx.kubectl(['get', 'deploy', 'p', '-n', ns, '-o', 'name'])).stdout.trim()).toBe('deployment.apps/p');
    const svc = `apiVersion: v1\nkind: Service\nmetadata: {name: lb, namespace: ${ns}}\nspec:\n  type: LoadBalancer\n  selector: {app: p}\n  ports: [{port: 80}]\n`;
    await fx.kubectl(['apply', '-f', '-'], svc);
    const lb = await fx.kubectl(['wait', '-n', ns, '--for=jsonpath={.status.loadBalancer.ingress[0].ip}', 'service/lb', '--timeout=10s']);
    expect(lb.stdout.trim()).toBe('service/lb condition met');
    const table = await fx.kubectl(['get', 'svc', 'lb', '-n', ns]);
    expect(table.stdout).toMatch(/lb\s+LoadBalancer\s+10\.96\.\d+\.\d+\s+172\.18\.255\.\d+\s+80:3\d{4}\/TCP/);
  });

  it('runs Jobs to completion', async () => {
    const job = `apiVersion: batch/v1\nkind: Job\nmetadata: {name: once, namespace: ${ns}}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n`;
    await fx.kubectl(['apply', '-f', '-'], job);
    const w = await fx.kubectl(['wait', '-n', ns, '--for=condition=Complete', 'job/once', '--timeout=20s']);
    expect(w.stdout.trim()).toBe('job.batch/once condition met');
  });
});

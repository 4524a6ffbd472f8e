import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildKustomization, NodeFileSystem } from '../src/index';

// Build time and peak memory of Ferry's kustomize engine against `kubectl kustomize` on the same inputs, in one run:
// the corpus' largest cases and a generated overlay of 5,000 resources. Ferry is measured twice: in-process (what the
// reconciler pays) and as a process running a compiled entry (comparable with kubectl's process time).
const ROOT = path.resolve(__dirname, '../../..');
const CORPUS = process.env['KUSTOMIZE_CORPUS'] ?? path.resolve(ROOT, '../shared/kustomize-corpus');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Runs a command under /usr/bin/time; returns wall ms and peak RSS in MiB. */
function timed(cmd: string, args: string[]): { ms: number; rssMiB: number } {
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const kb = Number(r.stderr.trim().split('\n').pop());
  return { ms, rssMiB: kb / 1024 };
}

function generateOverlay(n: number): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-bench-'));
  const base = path.join(root, 'base');
  const overlay = path.join(root, 'overlay');
  fs.mkdirSync(base);
  fs.mkdirSync(overlay);
  const files: string[] = [];
  const perFile = 250;
  for (let f = 0; f * perFile < n; f++) {
    const docs: string[] = [];
    for (let i = f * perFile; i < Math.min(n, (f + 1) * perFile); i++) {
      const kind = i % 3;
      if (kind === 0) {
        docs.push(
          `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\n  labels:\n    app: app-${i}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: app-${i}\n  template:\n    metadata:\n      labels:\n        app: app-${i}\n    spec:\n      containers:\n      - name: main\n        image: registry.example.com/app:1.0.${i}\n        args: ["--port=8080", "--verbose"]\n        ports:\n        - containerPort: 8080\n        env:\n        - name: CONFIG\n          valueFrom:\n            configMapKeyRef:\n              name: shared-config\n              key: mode\n        resources:\n          limits:\n            cpu: 500m\n            memory: 256Mi\n`,
        );
      } else if (kind === 1) {
        docs.push(
          `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  selector:\n    app: app-${i - 1}\n  ports:\n  - port: 80\n    targetPort: 8080\n`,
        );
      } else {
        docs.push(
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  key: "value ${i}"\n  multi: |\n    line one\n    line two\n`,
        );
      }
    }
    const name = `res-${f}.yaml`;
    fs.writeFileSync(path.join(base, name), docs.join('---\n'));
    files.push(name);
  }
  fs.writeFileSync(path.join(base, 'kustomization.yaml'), `resources:\n${files.map((x) => `- ${x}`).join('\n')}\n`);
  fs.writeFileSync(
    path.join(overlay, 'kustomization.yaml'),
    [
      'namespace: bench',
      'namePrefix: prod-',
      'commonLabels:',
      '  env: prod',
      'commonAnnotations:',
      '  team: platform',
      'resources:',
      '- ../base',
      'images:',
      '- name: registry.example.com/app',
      '  newTag: "2.0"',
      'configMapGenerator:',
      '- name: shared-config',
      '  literals:',
      '  - mode=fast',
      'patches:',
      '- target:',
      '    kind: Deployment',
      '  patch: |-',
      '    - op: replace',
      '      path: /spec/replicas',
      '      value: 3',
      '',
    ].join('\n'),
  );
  return overlay;
}

function corpusDir(name: string): string {
  const c = path.join(CORPUS, 'public', name);
  const rel = fs.readFileSync(path.join(c, 'cmd'), 'utf8').trim().split(/\s+/).pop() ?? '.';
  return path.resolve(c, rel);
}

function main(): void {
  execFileSync('npx', ['tsc', '-p', 'libs/kustomize/tsconfig.bench.json'], { cwd: ROOT, stdio: 'inherit' });
  const entry = path.join(ROOT, 'tmp/kustomize-bench/libs/kustomize/bench/ferry-build.entry.js');
  // kubectl needs minutes for the generated overlay, so it is measured once.
  const inputs: [string, string, number][] = [
    ['argo-cd cluster-install', corpusDir('argo-cd--manifests-cluster-install'), RUNS],
    ['kubeflow cert-manager', corpusDir('kubeflow--common-cert-manager-overlays-kubeflow'), RUNS],
    ['kubeflow jupyter controller', corpusDir('kubeflow--jupyter-notebook-controller-overlays-kubeflow'), RUNS],
    ['argo-cd ha namespace-install', corpusDir('argo-cd--manifests-ha-namespace-install'), RUNS],
    ['generated overlay, 5000 resources', generateOverlay(5000), 1],
  ];
  const rows: string[] = [];
  rows.push(
    ['input', 'kubectl ms', 'ferry in-proc ms', 'ratio', 'ferry process ms', 'ratio', 'kubectl MiB', 'ferry MiB', 'same output'].join(' | '),
  );
  for (const [label, dir, runs] of inputs) {
    const kubectl = Array.from({ length: runs }, () => timed('kubectl', ['kustomize', dir]));
    const proc = Array.from({ length: runs }, () => timed(process.execPath, [entry, dir]));
    const inproc: number[] = [];
    let out = '';
    for (let i = 0; i < runs + 1; i++) {
      const t = process.hrtime.bigint();
      out = buildKustomization(dir, { fs: new NodeFileSystem('/') });
      if (i > 0) inproc.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const expected = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
    const k = median(kubectl.map((r) => r.ms));
    const f = median(inproc);
    const p = median(proc.map((r) => r.ms));
    rows.push(
      [
        label,
        k.toFixed(0),
        f.toFixed(0),
        `${(f / k).toFixed(2)}x`,
        p.toFixed(0),
        `${(p / k).toFixed(2)}x`,
        Math.max(...kubectl.map((r) => r.rssMiB)).toFixed(0),
        Math.max(...proc.map((r) => r.rssMiB)).toFixed(0),
        out === expected ? 'yes' : 'NO',
      ].join(' | '),
    );
  }
  process.stdout.write(`kustomize build bench (median of ${RUNS} runs, 1 for the generated overlay; ratio = ferry / kubectl; MiB = peak RSS)\n${rows.join('\n')}\n`);
}

main();

/** What the example repository starts with: one app, as a Flux user's first repository would hold. */
export const EXAMPLE_FILES: Record<string, string> = {
  'README.md': `# Ferry example repository

Everything under \`apps/\` is applied to the local cluster by the Kustomization \`flux-system/example\`.
Edit a manifest, commit and push (\`git push origin main\`): the source service packs the new commit, the
reconciler applies it, and \`kubectl get deploy -n demo\` shows the change.
`,
  'apps/manifest.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: demo
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 80
---
apiVersion: v1
kind: Secret
metadata:
  name: web-credentials
  namespace: demo
stringData:
  password: change-me
`,
};

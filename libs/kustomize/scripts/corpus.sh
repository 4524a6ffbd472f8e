#!/usr/bin/env bash
# Runs the kustomize conformance corpus (exact text, legacy and FIFO order) against `ferry build kustomization`.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
CORPUS=${KUSTOMIZE_CORPUS:-$ROOT/../shared/kustomize-corpus}
[ -x "$CORPUS/run.sh" ] || { echo "corpus not found at $CORPUS (set KUSTOMIZE_CORPUS)" >&2; exit 2; }
FERRY="cd $(printf '%q' "$ROOT") && TS_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register cli/src/main.ts build kustomization"
rc=0
echo "== legacy order"
"$CORPUS/run.sh" -m exact "$FERRY {dir}" || rc=1
echo "== fifo order"
"$CORPUS/run.sh" -m exact -o fifo "$FERRY --reorder none {dir}" || rc=1
exit $rc

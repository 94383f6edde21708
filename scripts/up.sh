#!/usr/bin/env bash
# Brings Cairn up on this machine and runs its main job, the Pods example:
# installs what is missing, builds, starts `cairn server` in the background (state in
# $CAIRN_DATA_DIR, default ./.data), points kubectl at it and applies examples/pod-example.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir="${CAIRN_DATA_DIR:-$PWD/.data}"
kubeconfig="$data_dir/kubeconfig"

bash scripts/install-deps.sh
[ -d node_modules ] || npm ci
npm run build --silent

mkdir -p "$data_dir"
if [ -f "$data_dir/server.pid" ] && kill -0 "$(cat "$data_dir/server.pid")" 2>/dev/null; then
  echo "cairn server already running (pid $(cat "$data_dir/server.pid"))"
else
  nohup node bin/cairn.js server --data-dir "$data_dir" --port "${CAIRN_PORT:-6443}" \
    --write-kubeconfig "$kubeconfig" >"$data_dir/server.log" 2>&1 &
  echo $! >"$data_dir/server.pid"
  for _ in $(seq 1 100); do
    grep -q '^kubeconfig:' "$data_dir/server.log" 2>/dev/null && break
    kill -0 "$(cat "$data_dir/server.pid")" || { cat "$data_dir/server.log"; exit 1; }
    sleep 0.2
  done
  echo "cairn server started (pid $(cat "$data_dir/server.pid"), log $data_dir/server.log)"
fi

export KUBECONFIG="$kubeconfig"
kubectl apply -f examples/pod-example.yaml
kubectl get pod pod-example -o wide
echo
echo "kubectl is ready: export KUBECONFIG=$kubeconfig"
echo "stop the server: kill \$(cat $data_dir/server.pid)"

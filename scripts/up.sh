#!/usr/bin/env bash
# Brings Cairn up on this machine and runs its main job, the Pods example:
# installs what is missing (Debian packages, node modules), builds, starts `cairn up` (API server
# and node agent in one process, state in $CAIRN_DATA_DIR, default ./.data) in the background,
# points kubectl at it and applies examples/pod-example.yaml. The example's init container waits
# until the Service `myservice` resolves in cluster DNS; the script then creates that Service and
# shows the init container finish and the app container print "Hello World".
# Run as root (containerd, CNI).
#
# No public image registry is reachable on an air-gapped machine, so the script first starts a
# local one (scripts/local-registry.sh: Debian's docker-registry on 127.0.0.1:$CAIRN_REGISTRY_PORT,
# default 5000, storage in $data_dir/registry) holding the example's two images, busybox:1.28 and
# ubuntu:trusty, as stand-ins built from Debian's busybox-static, and starts `cairn up` with
# `--registry-mirror docker.io=http://127.0.0.1:5000`: containerd pulls them for real, through its
# certs.d mirror config. On a machine that reaches Docker Hub, drop the mirror flag.
set -euo pipefail
cd "$(dirname "$0")/.."
data_dir="${CAIRN_DATA_DIR:-$PWD/.data}"
kubeconfig="$data_dir/kubeconfig"
pid_file="$data_dir/cairn.pid"
log_file="$data_dir/cairn.log"
registry_port="${CAIRN_REGISTRY_PORT:-5000}"
registry_dir="$data_dir/registry"

if [[ $(id -u) -ne 0 ]]; then
  echo "up.sh: run as root (cairn up starts containerd and sets up pod networking): sudo bash $0" >&2
  exit 1
fi
bash scripts/install-deps.sh
[ -d node_modules ] || npm ci
npm run build --silent

mkdir -p "$data_dir"
bash scripts/local-registry.sh start --port "$registry_port" --dir "$registry_dir"
if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
  echo "cairn up already running (pid $(cat "$pid_file"))"
else
  nohup node bin/cairn.js up --data-dir "$data_dir" --port "${CAIRN_PORT:-6443}" \
    --write-kubeconfig "$kubeconfig" \
    --registry-mirror "docker.io=http://127.0.0.1:$registry_port" \
    >"$log_file" 2>&1 &
  echo $! >"$pid_file"
  for _ in $(seq 1 300); do
    grep -q '^kubeconfig:' "$log_file" 2>/dev/null && break
    kill -0 "$(cat "$pid_file")" 2>/dev/null || { cat "$log_file"; exit 1; }
    sleep 0.2
  done
  grep -q '^kubeconfig:' "$log_file" || { echo "cairn up did not come up in time; see $log_file" >&2; exit 1; }
  echo "cairn up started (pid $(cat "$pid_file"), log $log_file)"
fi

export KUBECONFIG="$kubeconfig"
kubectl wait --for=condition=Ready node --all --timeout=60s
kubectl get nodes -o wide
kubectl apply -f examples/pod-example.yaml
echo
echo "The init container waits for myservice:"
kubectl wait --for=jsonpath='{.status.initContainerStatuses[0].state.running}' pod/pod-example --timeout=60s >/dev/null
sleep 3
kubectl get pod pod-example -o wide
kubectl logs pod-example -c init-myservice --tail=2
echo
echo "Creating the Service it waits for:"
kubectl get service myservice >/dev/null 2>&1 || kubectl create service clusterip myservice --tcp=80:9376
kubectl wait --for=condition=Initialized pod/pod-example --timeout=60s
kubectl wait --for=jsonpath='{.status.containerStatuses[0].state.terminated.exitCode}'=0 pod/pod-example --timeout=60s \
  || kubectl wait --for=jsonpath='{.status.containerStatuses[0].lastState.terminated.exitCode}'=0 pod/pod-example --timeout=30s
kubectl get pod pod-example -o wide
echo "kubectl logs pod-example:"
kubectl logs pod-example
echo
echo "kubectl is ready: export KUBECONFIG=$kubeconfig"
echo "stop it: kill \$(cat $pid_file)   (pods keep running; the next cairn up adopts them)"
echo "stop the registry: bash scripts/local-registry.sh stop --dir $registry_dir"

#!/usr/bin/env bash
# A local image registry for an air-gapped machine, as root:
#
#   bash scripts/local-registry.sh start [--port 5000] [--dir ./.data/registry]
#   bash scripts/local-registry.sh stop  [--dir ./.data/registry]
#   bash scripts/local-registry.sh status [--port 5000] [--dir ./.data/registry]
#
# `start` (idempotent) installs Debian's docker-registry, skopeo and umoci when missing, runs a
# registry on 127.0.0.1:PORT with its own config file, storage, log and pid file under DIR (not
# the system's docker-registry service), and pushes the images the Pods example names,
# `library/busybox:1.28` and `library/ubuntu:trusty`, unless the registry already has them.
# Point a node's docker.io at it with `cairn up --registry-mirror docker.io=http://127.0.0.1:PORT`
# and `busybox:1.28` is pulled from here through containerd.
#
# Both images are built from Debian's busybox-static (`busybox --install -s`, default command
# `sh`): the content is busybox, whatever the name says. They stand in for the real images on a
# machine that reaches no public registry.
set -euo pipefail

cmd="${1:-start}"
[[ $# -gt 0 ]] && shift
port="${REGISTRY_PORT:-5000}"
dir="${REGISTRY_DIR:-$PWD/.data/registry}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    *) echo "local-registry: unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
pid_file="$dir/registry.pid"
log_file="$dir/registry.log"
config="$dir/config.yml"
addr="127.0.0.1:$port"
IMAGES=(library/busybox:1.28 library/ubuntu:trusty)

log() { printf 'local-registry: %s\n' "$*" >&2; }

running() { [[ -f $pid_file ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }
serving() { curl -fs -o /dev/null --max-time 2 "http://$addr/v2/" 2>/dev/null; }

stop() {
  if running; then
    local pid
    pid="$(cat "$pid_file")"
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    log "stopped (pid $pid)"
  else
    log 'not running'
  fi
  rm -f "$pid_file"
}

install_tools() {
  local missing=()
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v skopeo >/dev/null || missing+=(skopeo)
  command -v umoci >/dev/null || missing+=(umoci)
  command -v curl >/dev/null || missing+=(curl)
  [[ -x /bin/busybox ]] || missing+=(busybox-static)
  ((${#missing[@]} == 0)) && return
  log "installing ${missing[*]}"
  install() { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; }
  install || { apt-get update && install; }
}

start_registry() {
  if running && serving; then
    log "already serving on $addr (pid $(cat "$pid_file"))"
    return
  fi
  running && stop
  if serving; then
    log "something else already serves a registry on $addr; choose another --port"
    exit 1
  fi
  mkdir -p "$dir/storage"
  cat >"$config" <<EOF
# cairn: local registry for air-gapped pulls (scripts/local-registry.sh)
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: $addr
EOF
  # its own session, so it outlives this script and the caller's terminal
  setsid nohup docker-registry serve "$config" >>"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
  for _ in $(seq 1 100); do
    serving && break
    running || { tail -n 20 "$log_file" >&2; log 'docker-registry exited'; exit 1; }
    sleep 0.1
  done
  serving || { log "docker-registry did not serve $addr in time; see $log_file"; exit 1; }
  log "serving on $addr (pid $(cat "$pid_file"), storage $dir/storage, log $log_file)"
}

has_image() { skopeo inspect --raw --tls-verify=false "docker://$addr/$1" >/dev/null 2>&1; }

# an OCI layout with one image: busybox-static, an applet symlink per command, default command sh
build_busybox() {
  local work="$1"
  umoci init --layout "$work/oci"
  umoci new --image "$work/oci:busybox"
  umoci unpack --image "$work/oci:busybox" "$work/bundle" >/dev/null
  local root="$work/bundle/rootfs"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,etc,proc,sys,root,tmp,var/tmp,var/www,home}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  chmod 700 "$root/root"
  cp /bin/busybox "$root/bin/busybox"
  chroot "$root" /bin/busybox --install -s
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
  umoci repack --image "$work/oci:busybox" "$work/bundle"
  umoci config --image "$work/oci:busybox" \
    --config.cmd sh --config.workingdir / \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --history.created_by 'busybox --install -s (Debian busybox-static), scripts/local-registry.sh'
}

push_images() {
  local todo=() image
  for image in "${IMAGES[@]}"; do has_image "$image" || todo+=("$image"); done
  if ((${#todo[@]} == 0)); then
    log "has ${IMAGES[*]}"
    return
  fi
  local work
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  build_busybox "$work"
  local i=0
  for image in "${todo[@]}"; do
    # one config per name (same layer): containerd reports an image by its first name, so two
    # names sharing one digest would show each other's name as the pod's imageID
    i=$((i + 1))
    umoci config --image "$work/oci:busybox" --tag "stand-in-$i" --config.label "cairn.stand-in-for=$image"
    skopeo copy --quiet --dest-tls-verify=false "oci:$work/oci:stand-in-$i" "docker://$addr/$image"
    log "pushed $addr/$image (busybox-static)"
  done
}

if [[ $(id -u) -ne 0 && $cmd == start ]]; then
  log "run as root (installs packages, builds images with chroot): sudo bash $0 start"
  exit 1
fi
case "$cmd" in
  start)
    install_tools
    start_registry
    push_images
    ;;
  stop) stop ;;
  status)
    if running && serving; then log "serving on $addr (pid $(cat "$pid_file"))"; else log 'not running'; exit 1; fi
    ;;
  *)
    echo "usage: $0 start|stop|status [--port N] [--dir DIR]" >&2
    exit 2
    ;;
esac

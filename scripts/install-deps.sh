#!/usr/bin/env bash
# Installs the system packages Cairn's tests need, on Debian/Ubuntu, as root.
# Idempotent: installs only what is missing, and refreshes the package lists only when apt
# does not know a missing package (or fails to fetch it from stale lists).
set -euo pipefail

PACKAGES=(
  etcd-server # /usr/bin/etcd: the etcd storage tests start a real etcd on loopback
  etcd-client # etcdctl, for inspecting a test etcd by hand
  # node agent (src/kubelet): a private containerd driven over CRI, CNI bridge networking
  containerd                  # /usr/bin/containerd (1.6) and ctr (image import)
  runc                        # /usr/sbin/runc, the OCI runtime containerd's shim runs
  containernetworking-plugins # /usr/lib/cni: bridge, host-local, loopback, portmap
  iptables                    # the bridge plugin's ipMasq and portmap need it
  iproute2                    # ip: the bridge, pod routes between nodes, network namespaces in tests
  # locally built images (no internet registry): localhost/busybox and localhost/pause
  busybox-static # /bin/busybox (static): the busybox test image's rootfs
  catatonit      # /usr/bin/catatonit (static): the pause image's process
  # a real registry on loopback: image pull tests and scripts/local-registry.sh (air-gapped pulls)
  docker-registry # /usr/bin/docker-registry (distribution 2.8)
  skopeo          # copies images into it
  umoci           # builds the OCI images scripts/local-registry.sh pushes
)

log() { printf 'install-deps: %s\n' "$*" >&2; }

if [[ $(id -u) -ne 0 ]]; then
  log "must run as root (try: sudo $0)"
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  log 'needs apt-get (Debian or Ubuntu)'
  exit 1
fi

# (outputs are captured before matching: `cmd | grep -q` can fail under pipefail via SIGPIPE)
installed() {
  local status
  status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
  [[ $status == 'install ok installed' ]]
}
# apt knows the package when it has an install candidate ("Candidate: (none)" when it does not)
known() {
  local policy
  policy=$(apt-cache policy "$1" 2>/dev/null) || return 1
  [[ $policy =~ Candidate:\ [^\(] ]]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
  log "already installed: ${PACKAGES[*]}"
  exit 0
fi

updated=0
for pkg in "${missing[@]}"; do
  if ! known "$pkg"; then
    log 'refreshing package lists'
    apt-get update
    updated=1
    break
  fi
done

install() { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; }
log "installing: ${missing[*]}"
if ! install; then
  ((updated)) && exit 1
  log 'install failed; refreshing package lists and retrying'
  apt-get update
  install
fi

for bin in /usr/bin/etcd /usr/bin/containerd /usr/sbin/runc /usr/lib/cni/bridge /bin/busybox /usr/bin/catatonit \
  /usr/bin/docker-registry /usr/bin/skopeo /usr/bin/umoci; do
  if [[ ! -x $bin ]]; then
    log "$bin is still missing after installing ${PACKAGES[*]}"
    exit 1
  fi
done
log 'done'

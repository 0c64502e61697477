#!/usr/bin/env bash
# Test Docker hosts for the end-to-end suite: one dockerd per host, each in its own network
# namespace (own address on a test bridge) and its own mount namespace (own /etc/docker and the
# other host directories our stacks write), so several "servers" run on one machine.
#
#   scripts/e2e/hosts.sh up NAME[:tls] ...   start hosts (":tls" adds tcp://ADDR:2376 with client TLS)
#   scripts/e2e/hosts.sh down                stop every host and remove namespaces, links and data
#
# Needs root, iproute2, util-linux (unshare), docker.io, openssl. Writes under $XIVO_E2E_ROOT
# (default /tmp/xivo-e2e): hosts/<name>/{docker.sock,data,exec,fs/...,dockerd.log}, tls/ (the
# CA, server and client certificates of the TLS hosts) and hosts.json (name, address, socket,
# tcp endpoint, filesystem root of each host), which the suite reads.
#
# Addresses come from 198.18.0.0/15, the range reserved for network device testing (RFC 2544):
# the bridge is 198.18.77.1, hosts 198.18.77.11, .12, ... Nothing routes out: the root
# namespace does not forward. Containers reach other hosts' published ports through each
# dockerd's own NAT (iptables inside a network namespace touch only that namespace).
set -euo pipefail
PATH=$PATH:/usr/sbin:/sbin
ROOT=${XIVO_E2E_ROOT:-/tmp/xivo-e2e}
BRIDGE=xe2e0
NET=198.18.77
# Host directories each test host gets its own copy of (what our HostFile writers and bind
# mounts use): bind-mounted over the real path inside the host's mount namespace.
HOST_DIRS=(/etc/docker /usr/share/xivo-certs /etc/xivo-ctid /etc/xivo)

log() { echo "e2e-hosts: $*" >&2; }

down() {
  if [ -d "$ROOT/hosts" ]; then
    for dir in "$ROOT"/hosts/*/; do
      local name; name=$(basename "$dir")
      local ns=xe2e-$name
      if [ -s "$dir/dockerd.pid" ] && kill -0 "$(cat "$dir/dockerd.pid")" 2>/dev/null; then
        kill "$(cat "$dir/dockerd.pid")" 2>/dev/null || true
        for _ in $(seq 1 40); do kill -0 "$(cat "$dir/dockerd.pid")" 2>/dev/null || break; sleep 0.5; done
      fi
      # Whatever survived in the namespace (containerd shims, containers) goes too.
      if ip netns list | grep -qw "$ns"; then
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        sleep 0.5
        ip netns del "$ns" 2>/dev/null || true
      fi
    done
  fi
  ip link del "$BRIDGE" 2>/dev/null || true
  rm -rf "$ROOT"
  log "down"
}

make_tls() {
  local dir=$ROOT/tls; mkdir -p "$dir"; cd "$dir"
  [ -s ca.pem ] || {
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 2 -subj "/CN=xivo-e2e docker CA" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout client-key.pem -out client.csr -subj "/CN=xivo-e2e client" 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' > client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out client.pem -days 2 -extfile client.ext 2>/dev/null
  }
  local name=$1 addr=$2
  openssl req -newkey rsa:2048 -nodes -keyout "server-$name-key.pem" -out "server-$name.csr" -subj "/CN=$name" 2>/dev/null
  printf 'subjectAltName=IP:%s,DNS:%s\nextendedKeyUsage=serverAuth\n' "$addr" "$name" > "server-$name.ext"
  openssl x509 -req -in "server-$name.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out "server-$name.pem" -days 2 -extfile "server-$name.ext" 2>/dev/null
  chmod 0600 ./*-key.pem
  cd - >/dev/null
}

up() {
  [ "$(id -u)" = 0 ] || { log "needs root (network namespaces, dockerd)"; exit 1; }
  for tool in ip nsenter unshare dockerd openssl; do command -v $tool >/dev/null || { log "$tool not found (apt-get install iproute2 util-linux docker.io openssl)"; exit 1; }; done
  down 2>/dev/null
  mkdir -p "$ROOT/hosts"
  ip link add "$BRIDGE" type bridge
  ip addr add "$NET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  local i=0 json="" spec
  for spec in "$@"; do
    i=$((i + 1))
    local name=${spec%%:*} tls=""; [ "$spec" != "$name" ] && tls=${spec#*:}
    local ns=xe2e-$name addr=$NET.$((10 + i)) dir=$ROOT/hosts/$name
    mkdir -p "$dir/data" "$dir/exec" "$dir/fs"
    ip netns add "$ns"
    ip link add "ve2e$i" type veth peer name eth0 netns "$ns"
    ip link set "ve2e$i" master "$BRIDGE" up
    ip -n "$ns" addr add "$addr/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" route add default via "$NET.1"
    local binds="" d
    for d in "${HOST_DIRS[@]}"; do
      mkdir -p "$dir/fs$d" "$d"
      binds+="mount --bind '$dir/fs$d' '$d'; "
    done
    local hosts=(--host "unix://$dir/docker.sock") tcp=""
    if [ "$tls" = tls ]; then
      make_tls "$name" "$addr"
      hosts+=(--host "tcp://$addr:2376" --tlsverify --tlscacert "$ROOT/tls/ca.pem"
              --tlscert "$ROOT/tls/server-$name.pem" --tlskey "$ROOT/tls/server-$name-key.pem")
      tcp="tcp://$addr:2376"
    fi
    # Own address pool per host: container subnets never collide across hosts.
    # nsenter, not `ip netns exec`: the latter remounts /sys, hiding the cgroup mounts dockerd needs.
    setsid nsenter --net="/var/run/netns/$ns" unshare --mount --propagation private sh -c "$binds exec dockerd \"\$@\"" dockerd \
      "${hosts[@]}" --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
      --storage-driver vfs --bridge none --iptables=true --ip-forward=true \
      --default-address-pool "base=172.$((40 + i)).0.0/16,size=24" \
      >"$dir/dockerd.log" 2>&1 </dev/null &
    json+="${json:+,}{\"name\":\"$name\",\"address\":\"$addr\",\"socket\":\"unix://$dir/docker.sock\",\"tcp\":\"$tcp\",\"fsRoot\":\"$dir/fs\",\"netns\":\"$ns\"}"
  done
  for spec in "$@"; do
    local name=${spec%%:*} dir=$ROOT/hosts/${spec%%:*} n=0
    until docker -H "unix://$dir/docker.sock" info >/dev/null 2>&1; do
      n=$((n + 1))
      if [ $n -gt 60 ]; then log "$name: dockerd did not answer in 30 s; its log:"; tail -20 "$dir/dockerd.log" >&2; exit 1; fi
      sleep 0.5
    done
  done
  printf '{"bridge":"%s","gateway":"%s.1","tls":"%s","hosts":[%s]}\n' "$BRIDGE" "$NET" "$ROOT/tls" "$json" > "$ROOT/hosts.json"
  log "up: $* (see $ROOT/hosts.json)"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  *) echo "usage: $0 up NAME[:tls] ... | down" >&2; exit 2 ;;
esac

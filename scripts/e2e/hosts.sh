#!/usr/bin/env bash
# Test Docker hosts for the end-to-end suite: one dockerd per host, each in its own network
# namespace (own address on a test bridge) and its own mount namespace (own /etc/docker and the
# other host directories our stacks write), so several "servers" run on one machine.
#
#   scripts/e2e/hosts.sh up SPEC ...   start hosts and test services, SPEC one of:
#     NAME               a Docker host reached over its unix socket
#     NAME:tls           + tcp://ADDR:2376 with client TLS
#     NAME:ssh           + sshd on ADDR:22: ssh://root@ADDR, key-only (the key made here), the
#                        engine answering `docker system dial-stdio` over ssh
#     NAME:ssh-via-B     the same, but sshd accepts only connections from B's address (reach it
#                        with ProxyJump through B)
#     NAME:bastion       no Docker: sshd only, a jump host (TCP forwarding allowed)
#     NAME:pg            no Docker: PostgreSQL (Debian's postgresql) on ADDR:5432, TLS with a
#                        certificate of the test CA, role and database `terraform` (password made
#                        here), for Terraform's pg backend
#     NAME:registry      no Docker: an image registry (Debian's docker-registry, docker/distribution)
#                        on ADDR:5000, TLS with a certificate of the test CA, which every Docker host
#                        of the run trusts (/etc/docker/certs.d/ADDR:5000/ca.crt): images pinned by
#                        digest are pulled from it, as from an operator's mirror
#   scripts/e2e/hosts.sh down          stop every host and service, remove namespaces, links and data
#
# Needs root, iproute2, util-linux (unshare, nsenter, runuser), docker.io, openssl; openssh-server
# and openssh-client for ssh hosts and bastions; postgresql for pg; docker-registry for registry. Writes under $XIVO_E2E_ROOT
# (default /tmp/xivo-e2e): hosts/<name>/{docker.sock,data,exec,fs/...,dockerd.log,sshd/}, tls/
# (the CA, server and client certificates of the TLS hosts and of PostgreSQL), ssh/ (the client
# key and every sshd's host key) and hosts.json, which the suite reads:
#   hosts     the Docker hosts: name, address, socket, tcp endpoint, ssh URL and jump host ('' when
#             none), sshd's host key, filesystem root, network namespace
#   services  bastions, PostgreSQL and registries: name, kind, address, network namespace, ssh host
#             key (bastion); connStr, adminConnStr, psqlDir (pg); endpoint, ADDR:5000 (registry)
#   ssh       the client key (identity) and its public half
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
HOST_DIRS=(/etc/docker /usr/share/xivo-certs /etc/xivo-ctid /etc/xivo /var/backups/xivo-cdktf)

log() { echo "e2e-hosts: $*" >&2; }
# daemon CMD...: CMD in a new session, without the descriptors this script inherited: a lock its
# caller holds (the e2e suite's flock) must not outlive the caller in dockerd, sshd or postgres.
daemon() {
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
    done
    exec setsid "$@"
  )
}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

down() {
  if [ -d "$ROOT/hosts" ]; then
    for dir in "$ROOT"/hosts/*/; do
      local name; name=$(basename "$dir")
      local ns=xe2e-$name
      local pidfile
      for pidfile in "$dir/dockerd.pid" "$dir/sshd/sshd.pid" "$dir/pg/data/postmaster.pid"; do
        [ -s "$pidfile" ] || continue
        local pid; pid=$(head -n 1 "$pidfile")
        if kill -0 "$pid" 2>/dev/null; then
          kill "$pid" 2>/dev/null || true
          for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        fi
      done
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

# The client key every sshd of the run accepts (made once per `up`).
make_client_key() {
  local dir=$ROOT/ssh
  mkdir -p "$dir" && chmod 0700 "$dir"
  [ -s "$dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C "xivo-e2e deploy key" -f "$dir/id_ed25519"
  cp "$dir/id_ed25519.pub" "$dir/authorized_keys"
}

# start_sshd NAME NETNS ADDR MOUNT_NS_PID DOCKER_SOCKET ALLOW_FROM FORWARDING: sshd in the host's
# namespaces, key-only, its own host key; `docker system dial-stdio` finds the host's engine
# through DOCKER_HOST (SetEnv). ALLOW_FROM: only that address may connect ('' = anyone).
start_sshd() {
  local name=$1 ns=$2 addr=$3 mntpid=$4 socket=$5 allow=$6 forwarding=$7 dir=$ROOT/hosts/$1/sshd
  mkdir -p "$dir" /run/sshd
  ssh-keygen -q -t ed25519 -N '' -C "$name host key" -f "$dir/ssh_host_ed25519_key"
  cat > "$dir/sshd_config" <<CONF
ListenAddress $addr
Port 22
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $ROOT/ssh/authorized_keys
# Key-only: no password, no keyboard-interactive, no PAM.
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
# The key files live under /tmp (world-writable): sshd's ownership checks would refuse them.
StrictModes no
AllowTcpForwarding $forwarding
AllowAgentForwarding no
X11Forwarding no
PermitTunnel no
PrintMotd no
ClientAliveInterval 5
LogLevel VERBOSE
${socket:+SetEnv DOCKER_HOST=$socket}
CONF
  if [ -n "$allow" ]; then
    # Reached only through the jump host: anything else is refused at the door.
    nsenter --net="/var/run/netns/$ns" iptables -I INPUT -p tcp --dport 22 ! -s "$allow" -j REJECT --reject-with tcp-reset
  fi
  local mnt=()
  [ -n "$mntpid" ] && mnt=(--mount="/proc/$mntpid/ns/mnt")
  daemon nsenter --net="/var/run/netns/$ns" "${mnt[@]}" /usr/sbin/sshd -D -f "$dir/sshd_config" -E "$dir/sshd.log" </dev/null >/dev/null 2>&1 &
}

# start_pg NAME NETNS ADDR: a PostgreSQL cluster owned by the postgres user, TLS on ADDR:5432,
# role and database `terraform`; writes the connection strings into hosts/<name>/pg/.
start_pg() {
  local name=$1 ns=$2 addr=$3 dir=$ROOT/hosts/$1/pg
  [ -n "$PG_BIN" ] || { log "$name: PostgreSQL not found (apt-get install postgresql)"; exit 1; }
  make_tls "$name" "$addr"
  mkdir -p "$dir/run"
  chown postgres "$dir" "$dir/run"
  local password; password=$(openssl rand -hex 16)
  printf '%s\n' "$password" > "$dir/pwfile"
  chown postgres "$dir/pwfile"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  cp "$ROOT/tls/server-$name.pem" "$dir/data/server.crt"
  cp "$ROOT/tls/server-$name-key.pem" "$dir/data/server.key"
  chown postgres "$dir/data/server.crt" "$dir/data/server.key" && chmod 0600 "$dir/data/server.key"
  printf 'hostssl terraform terraform %s.0/24 scram-sha-256\n' "$NET" >> "$dir/data/pg_hba.conf"
  daemon nsenter --net="/var/run/netns/$ns" runuser -u postgres -- "$PG_BIN/postgres" -D "$dir/data" \
    -c listen_addresses="$addr" -c port=5432 -c unix_socket_directories="$dir/run" -c ssl=on \
    -c log_connections=on -c log_disconnections=on -c logging_collector=off \
    >"$dir/postgres.log" 2>&1 </dev/null &
  local n=0
  until runuser -u postgres -- "$PG_BIN/pg_isready" -q -h "$dir/run"; do
    n=$((n + 1)); [ $n -gt 60 ] && { log "$name: PostgreSQL did not start; its log:"; tail -20 "$dir/postgres.log" >&2; exit 1; }
    sleep 0.5
  done
  runuser -u postgres -- psql -q -h "$dir/run" -U postgres -v ON_ERROR_STOP=1 -v pw="$password" >/dev/null <<'SQL'
CREATE ROLE terraform LOGIN PASSWORD :'pw';
CREATE DATABASE terraform OWNER terraform;
SQL
  rm -f "$dir/pwfile"
  # lib/pq (Terraform's pg backend): TLS verified against the test CA, the certificate's IP SAN.
  printf 'postgres://terraform:%s@%s:5432/terraform?sslmode=verify-full&sslrootcert=%s\n' "$password" "$addr" "$ROOT/tls/ca.pem" > "$dir/conn"
  chmod 0600 "$dir/conn"
}

# start_registry NAME NETNS ADDR: docker/distribution's registry, TLS on ADDR:5000, storage in hosts/<name>/registry.
start_registry() {
  local name=$1 ns=$2 addr=$3 dir=$ROOT/hosts/$1/registry
  command -v docker-registry >/dev/null || { log "$name: docker-registry not found (apt-get install docker-registry)"; exit 1; }
  make_tls "$name" "$addr"
  mkdir -p "$dir/data"
  cat > "$dir/config.yml" <<CONF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
http:
  addr: $addr:5000
  tls:
    certificate: $ROOT/tls/server-$name.pem
    key: $ROOT/tls/server-$name-key.pem
CONF
  daemon nsenter --net="/var/run/netns/$ns" docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 </dev/null &
  local n=0
  until [ -n "$(nsenter --net="/var/run/netns/$ns" ss -Hltn "sport = :5000" 2>/dev/null)" ]; do
    n=$((n + 1)); [ $n -gt 40 ] && { log "$name: the registry did not listen; its log:"; tail -20 "$dir/registry.log" >&2; exit 1; }
    sleep 0.25
  done
}

up() {
  [ "$(id -u)" = 0 ] || { log "needs root (network namespaces, dockerd)"; exit 1; }
  for tool in ip nsenter unshare dockerd openssl; do command -v $tool >/dev/null || { log "$tool not found (apt-get install iproute2 util-linux docker.io openssl)"; exit 1; }; done
  if [[ " $* " =~ :(ssh|bastion) ]]; then
    [ -x /usr/sbin/sshd ] && command -v ssh-keygen >/dev/null || { log "sshd not found (apt-get install openssh-server openssh-client)"; exit 1; }
  fi
  down 2>/dev/null
  mkdir -p "$ROOT/hosts"
  ip link add "$BRIDGE" type bridge
  ip addr add "$NET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  local i=0 json="" services="" spec registries=()
  # Addresses by position, known before any host starts (an ssh host names its jump host's).
  declare -A ADDR
  for spec in "$@"; do i=$((i + 1)); ADDR[${spec%%:*}]=$NET.$((10 + i)); done
  [[ " $* " =~ :(ssh|bastion) ]] && make_client_key
  i=0
  for spec in "$@"; do
    i=$((i + 1))
    local name=${spec%%:*} tls=""; [ "$spec" != "$name" ] && tls=${spec#*:}
    local ns=xe2e-$name addr=${ADDR[$name]} dir=$ROOT/hosts/$name
    mkdir -p "$dir"
    ip netns add "$ns"
    ip link add "ve2e$i" type veth peer name eth0 netns "$ns"
    ip link set "ve2e$i" master "$BRIDGE" up
    ip -n "$ns" addr add "$addr/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" route add default via "$NET.1"
    case "$tls" in
      bastion)
        start_sshd "$name" "$ns" "$addr" "" "" "" yes
        services+="${services:+,}{\"name\":\"$name\",\"kind\":\"bastion\",\"address\":\"$addr\",\"netns\":\"$ns\",\"sshHostKey\":\"$(cut -d' ' -f1,2 "$dir/sshd/ssh_host_ed25519_key.pub")\"}"
        continue ;;
      registry)
        start_registry "$name" "$ns" "$addr"
        registries+=("$addr:5000")
        services+="${services:+,}{\"name\":\"$name\",\"kind\":\"registry\",\"address\":\"$addr\",\"netns\":\"$ns\",\"endpoint\":\"$addr:5000\"}"
        continue ;;
      pg)
        start_pg "$name" "$ns" "$addr"
        services+="${services:+,}{\"name\":\"$name\",\"kind\":\"pg\",\"address\":\"$addr\",\"netns\":\"$ns\",\"connStr\":\"$(cat "$dir/pg/conn")\",\"psqlDir\":\"$dir/pg/run\"}"
        continue ;;
      ""|tls|ssh|ssh-via-*) ;;
      *) log "$spec: unknown kind '$tls' (tls, ssh, ssh-via-NAME, bastion, pg, registry)"; exit 2 ;;
    esac
    mkdir -p "$dir/data" "$dir/exec" "$dir/fs"
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
    daemon nsenter --net="/var/run/netns/$ns" unshare --mount --propagation private sh -c "$binds exec dockerd \"\$@\"" dockerd \
      "${hosts[@]}" --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
      --storage-driver vfs --bridge none --iptables=true --ip-forward=true \
      --default-address-pool "base=172.$((40 + i)).0.0/16,size=24" \
      >"$dir/dockerd.log" 2>&1 </dev/null &
    local ssh="" jump="" hostkey=""
    if [[ "$tls" == ssh* ]]; then
      ssh="ssh://root@$addr"
      local via=""
      if [[ "$tls" == ssh-via-* ]]; then
        via=${tls#ssh-via-}
        [ -n "${ADDR[$via]:-}" ] || { log "$spec: no host or bastion named '$via' in this run"; exit 2; }
        jump="root@${ADDR[$via]}"
      fi
      # sshd joins dockerd's mount namespace once dockerd runs (below).
      echo "$via" > "$dir/ssh-via"
      hostkey=pending
    fi
    json+="${json:+,}{\"name\":\"$name\",\"address\":\"$addr\",\"socket\":\"unix://$dir/docker.sock\",\"tcp\":\"$tcp\",\"ssh\":\"$ssh\",\"sshJump\":\"$jump\",\"sshHostKey\":\"$hostkey\",\"fsRoot\":\"$dir/fs\",\"netns\":\"$ns\"}"
  done
  # Every Docker host trusts the run's registries (dockerd reads certs.d at each pull).
  for spec in "$@"; do
    local reg
    [ -d "$ROOT/hosts/${spec%%:*}/fs/etc/docker" ] || continue
    for reg in "${registries[@]}"; do
      mkdir -p "$ROOT/hosts/${spec%%:*}/fs/etc/docker/certs.d/$reg"
      cp "$ROOT/tls/ca.pem" "$ROOT/hosts/${spec%%:*}/fs/etc/docker/certs.d/$reg/ca.crt"
    done
  done
  for spec in "$@"; do
    local name=${spec%%:*} kind=${spec#*:} dir=$ROOT/hosts/${spec%%:*} n=0
    [ "$kind" = bastion ] || [ "$kind" = pg ] || [ "$kind" = registry ] && continue
    until docker -H "unix://$dir/docker.sock" info >/dev/null 2>&1; do
      n=$((n + 1))
      if [ $n -gt 60 ]; then log "$name: dockerd did not answer in 30 s; its log:"; tail -20 "$dir/dockerd.log" >&2; exit 1; fi
      sleep 0.5
    done
    if [ -f "$dir/ssh-via" ]; then
      local via; via=$(cat "$dir/ssh-via")
      start_sshd "$name" "xe2e-$name" "${ADDR[$name]}" "$(cat "$dir/dockerd.pid")" "unix://$dir/docker.sock" "${via:+${ADDR[$via]}}" no
      json=$(NAME=$name KEY="$(cut -d' ' -f1,2 "$dir/sshd/ssh_host_ed25519_key.pub")" python3 -c '
import json, os, sys
hosts = json.loads("[" + sys.stdin.read() + "]")
for h in hosts:
    if h["name"] == os.environ["NAME"]: h["sshHostKey"] = os.environ["KEY"]
print(",".join(json.dumps(h, separators=(",", ":")) for h in hosts))' <<<"$json")
    fi
  done
  # Every sshd answers before the suite uses it.
  for spec in "$@"; do
    local name=${spec%%:*} kind=${spec#*:} n=0
    [[ "$kind" == ssh* || "$kind" == bastion ]] || continue
    until [ -n "$(nsenter --net="/var/run/netns/xe2e-$name" ss -Hltn "sport = :22" 2>/dev/null)" ]; do
      n=$((n + 1)); [ $n -gt 40 ] && { log "$name: sshd did not listen; its log:"; tail -20 "$ROOT/hosts/$name/sshd/sshd.log" >&2; exit 1; }
      sleep 0.25
    done
  done
  local sshjson='{}'
  [ -s "$ROOT/ssh/id_ed25519" ] && sshjson="{\"identity\":\"$ROOT/ssh/id_ed25519\",\"publicKey\":\"$(cut -d' ' -f1,2 "$ROOT/ssh/id_ed25519.pub")\"}"
  printf '{"bridge":"%s","gateway":"%s.1","tls":"%s","ssh":%s,"hosts":[%s],"services":[%s]}\n' "$BRIDGE" "$NET" "$ROOT/tls" "$sshjson" "$json" "$services" > "$ROOT/hosts.json"
  log "up: $* (see $ROOT/hosts.json)"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  *) echo "usage: $0 up NAME[:tls|:ssh|:ssh-via-NAME|:bastion|:pg] ... | down" >&2; exit 2 ;;
esac

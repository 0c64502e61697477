#!/bin/sh
# Starts a Docker engine for the conformance tests when none answers (CI machines and
# containers have no init system to start docker.service). Idempotent: does nothing when
# `docker info` already answers, and waits for a dockerd that is still starting instead of
# launching a second one. Flags: no iptables, no default bridge, vfs storage, because CI
# runners are often containers without netfilter or overlayfs.
#
# Env: DOCKER_HOST (default unix:///var/run/docker.sock), DOCKERD_LOG (default
# $TMPDIR/xivo-cdktf-dockerd.log), DOCKERD_WAIT seconds (default 30).
set -eu

DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}
export DOCKER_HOST
case "$DOCKER_HOST" in
  unix://*) ;;
  *) echo "start-dockerd: DOCKER_HOST=$DOCKER_HOST is not a local socket: start that engine yourself" >&2; exit 1 ;;
esac
LOG=${DOCKERD_LOG:-${TMPDIR:-/tmp}/xivo-cdktf-dockerd.log}
WAIT=${DOCKERD_WAIT:-30}
PIDFILE=/var/run/docker.pid
PATH=$PATH:/usr/sbin:/sbin

answers() { docker info >/dev/null 2>&1; }

if answers; then exit 0; fi

if [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "start-dockerd: dockerd $(cat "$PIDFILE") is running but not answering yet; waiting" >&2
else
  if [ "$(id -u)" != 0 ]; then
    echo "start-dockerd: no Docker engine answers on $DOCKER_HOST and starting dockerd needs root (sudo $0)" >&2
    exit 1
  fi
  command -v dockerd >/dev/null || { echo "start-dockerd: dockerd not installed (apt-get install docker.io)" >&2; exit 1; }
  # setsid: the daemon must outlive the shell (and the jest worker) that started it.
  setsid dockerd --host="$DOCKER_HOST" --iptables=false --bridge=none --storage-driver=vfs \
    >"$LOG" 2>&1 </dev/null &
  echo "start-dockerd: started dockerd (pid $!), log in $LOG" >&2
fi

i=0
while [ "$i" -lt "$WAIT" ]; do
  if answers; then exit 0; fi
  sleep 1
  i=$((i + 1))
done
echo "start-dockerd: no answer from $DOCKER_HOST after ${WAIT} s; last lines of $LOG:" >&2
tail -n 20 "$LOG" >&2 2>/dev/null || true
exit 1

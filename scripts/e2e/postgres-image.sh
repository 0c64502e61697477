#!/usr/bin/env bash
# Root filesystem of a real PostgreSQL for the end-to-end suite (the stand-in of cc.pgxivocc), built
# from this machine's Debian packages (no registry is reachable), as a tarball for `docker import`:
#
#   postgres.tar  Debian's PostgreSQL server and client programs (postgres, initdb, pg_ctl, psql,
#                 pg_dump, pg_dumpall, pg_restore, pg_isready) with their libraries and share/ files,
#                 busybox as the shell, a `postgres` user, and /usr/local/bin/docker-entrypoint.sh
#                 doing what the official image's does: initdb into an empty PGDATA (local and
#                 127.0.0.1 connections trusted, as initdb's default), then exec postgres.
#
#   scripts/e2e/postgres-image.sh   # prints the directory holding postgres.tar (cached by input hash)
#
# Needs: postgresql (the server: Debian's postgresql-NN), busybox-static.
set -euo pipefail
PATH=$PATH:/usr/sbin:/sbin
CACHE_ROOT=${XIVO_E2E_IMAGE_CACHE:-$HOME/.cache/xivo-cdktf/images}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/postgres" ] || { echo "postgres-image: no PostgreSQL server (apt-get install postgresql)" >&2; exit 1; }
[ -x /bin/busybox ] || { echo "postgres-image: /bin/busybox missing (apt-get install busybox-static)" >&2; exit 1; }
PG_LIB=$(dirname "$PG_BIN")
PG_MAJOR=$(basename "$PG_LIB")
PG_SHARE=/usr/share/postgresql/$PG_MAJOR
KEY=$( { cat "$0"; sha256sum /bin/busybox "$PG_BIN/postgres" "$PG_BIN/pg_dump"; } | sha256sum | cut -c1-16)
OUT=$CACHE_ROOT/pg-$KEY
if [ -s "$OUT/postgres.tar" ]; then echo "$OUT"; exit 0; fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/xivo-pg-image.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
ROOT=$WORK/root
mkdir -p "$ROOT"/{bin,sbin,etc,tmp,run/postgresql,var/lib/postgresql/data,proc,sys,dev,root,usr/bin,usr/sbin,usr/local/bin}
chmod 1777 "$ROOT/tmp"
# Debian's clients look for the server's socket in /var/run/postgresql.
ln -s ../run "$ROOT/var/run"
cp /bin/busybox "$ROOT/bin/busybox"
for applet in $(/bin/busybox --list); do [ -e "$ROOT/bin/$applet" ] || ln -s busybox "$ROOT/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$ROOT/etc/passwd"
printf 'root:x:0:\npostgres:x:999:\nnogroup:x:65534:\n' > "$ROOT/etc/group"
printf 'hosts: files dns\n' > "$ROOT/etc/nsswitch.conf"

# Programs at their Debian paths, and every shared library they load.
with_libs() {
  install -D "$1" "$ROOT$1"
  ldd "$1" | awk '/=>/ {print $3} /^\t\/lib/ {print $1}' | while read -r lib; do
    if [ -n "$lib" ] && [ -e "$lib" ] && [ ! -e "$ROOT$lib" ]; then install -D "$(readlink -f "$lib")" "$ROOT$lib"; fi
  done
}
for prog in postgres initdb pg_ctl psql pg_dump pg_dumpall pg_restore pg_isready createdb dropdb; do
  with_libs "$PG_BIN/$prog"
  ln -s "$PG_BIN/$prog" "$ROOT/usr/bin/$prog"
done
# Server modules (plpgsql, encodings) and share/ (catalog, timezone sets, extensions).
# Not the JIT (LLVM: 100 MB) nor its bitcode.
mkdir -p "$ROOT$PG_LIB/lib"
find "$PG_LIB/lib" -maxdepth 1 -name "*.so" ! -name "llvmjit*" -exec cp -a {} "$ROOT$PG_LIB/lib/" \;
for so in "$ROOT$PG_LIB"/lib/*.so; do
  ldd "$so" 2>/dev/null | awk '/=>/ {print $3}' | while read -r lib; do
    if [ -n "$lib" ] && [ -e "$lib" ] && [ ! -e "$ROOT$lib" ]; then install -D "$(readlink -f "$lib")" "$ROOT$lib"; fi
  done
done
mkdir -p "$ROOT$PG_SHARE"
cp -a "$PG_SHARE"/. "$ROOT$PG_SHARE"/
# Debian builds PostgreSQL with the system's time zones.
[ -d /usr/share/zoneinfo ] && mkdir -p "$ROOT/usr/share/zoneinfo" && cp -a /usr/share/zoneinfo/UTC /usr/share/zoneinfo/Etc "$ROOT/usr/share/zoneinfo/" 2>/dev/null || true

cat > "$ROOT/usr/local/bin/docker-entrypoint.sh" <<'SCRIPT'
#!/bin/sh
# As the official image: an empty PGDATA is initialised (trust for local and 127.0.0.1, as initdb's
# default; password for the network), then postgres runs as the postgres user, in the foreground.
set -e
PGDATA=${PGDATA:-/var/lib/postgresql/data}
mkdir -p "$PGDATA" /run/postgresql
chown -R postgres:postgres "$PGDATA" /run/postgresql
chmod 0700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  su postgres -s /bin/sh -c "initdb -D '$PGDATA' -U postgres --encoding=UTF8 --locale=C --auth-local=trust --auth-host=trust" >/dev/null
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
fi
exec su postgres -s /bin/sh -c "exec postgres -D '$PGDATA' -c listen_addresses='*' -c unix_socket_directories=/run/postgresql"
SCRIPT
chmod 0755 "$ROOT/usr/local/bin/docker-entrypoint.sh"
chown -R 999:999 "$ROOT/var/lib/postgresql" "$ROOT/run/postgresql"
tar -C "$ROOT" --numeric-owner -cf "$OUT/postgres.tar.tmp" . && mv "$OUT/postgres.tar.tmp" "$OUT/postgres.tar"
echo "$OUT"

#!/usr/bin/env bash
# Root filesystems of the stand-in images of the end-to-end suite, built from this machine's
# Debian packages (no registry is reachable), as tarballs for `docker import`:
#
#   busybox.tar   static busybox: the HostFile helper image and the shell of every stand-in
#   nginx.tar     Debian's real nginx binary and its libraries (+ busybox): front and edge
#   stub.tar      the stub HTTP server (scripts/e2e/stub) + busybox: every other XiVO service
#   stub-jre.tar  stub.tar + a Java runtime made by jlink (keytool, the JDK's CA bundle): xuc,
#                 whose image also runs the truststore job (our keytool script); and XucCheck
#                 (scripts/e2e/xuc-check/) with Typesafe Config under /opt/xuc-check, which reads
#                 xuc.conf and the Kerberos keytab inside the container as xuc's JVM reads them
#
#   scripts/e2e/images.sh     # prints the directory holding the tarballs (cached by input hash)
#
# Needs: busybox-static, nginx-light, openjdk-17-jdk-headless (jlink, javac), libtypesafe-config-java, go.
set -euo pipefail
PATH=$PATH:/usr/sbin:/sbin
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE_ROOT=${XIVO_E2E_IMAGE_CACHE:-$HOME/.cache/xivo-cdktf/images}
TYPESAFE_CONFIG_JAR=/usr/share/java/typesafe-config.jar
for f in /bin/busybox /usr/sbin/nginx /usr/bin/jlink /usr/bin/javac; do
  [ -x "$f" ] || { echo "images: $f missing (apt-get install busybox-static nginx-light openjdk-17-jdk-headless)" >&2; exit 1; }
done
[ -s "$TYPESAFE_CONFIG_JAR" ] || { echo "images: $TYPESAFE_CONFIG_JAR missing (apt-get install libtypesafe-config-java)" >&2; exit 1; }
KEY=$( { cat "$0" "$HERE"/stub/*.go "$HERE"/stub/go.mod "$HERE"/xuc-check/*.java; sha256sum /bin/busybox /usr/sbin/nginx /usr/bin/jlink "$TYPESAFE_CONFIG_JAR"; go env GOVERSION; } | sha256sum | cut -c1-16)
OUT=$CACHE_ROOT/$KEY
if [ -s "$OUT/stub-jre.tar" ]; then echo "$OUT"; exit 0; fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/xivo-images.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

# A minimal Linux tree with busybox as sh, wget, ... (health checks use `wget`).
base() {
  local root=$1
  mkdir -p "$root"/{bin,sbin,etc,tmp,run,var/run,proc,sys,dev,root,usr/bin,usr/sbin}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\nnginx:x:101:101:nginx:/var/cache/nginx:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\nwww-data:x:33:\nnginx:x:101:\n' > "$root/etc/group"
  printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
}

# Copy an ELF program and the shared libraries it loads, at the same paths.
with_libs() {
  local root=$1 bin=$2
  install -D "$bin" "$root$bin"
  ldd "$bin" | awk '/=>/ {print $3} /^\t\/lib/ {print $1}' | while read -r lib; do
    if [ -n "$lib" ] && [ -e "$lib" ]; then install -D "$(readlink -f "$lib")" "$root$lib"; fi
  done
}

pack() { tar -C "$1" --numeric-owner -cf "$2.tmp" . && mv "$2.tmp" "$2"; }

base "$WORK/busybox"
pack "$WORK/busybox" "$OUT/busybox.tar"

base "$WORK/nginx"
with_libs "$WORK/nginx" /usr/sbin/nginx
install -D -m 0644 /etc/nginx/mime.types "$WORK/nginx/etc/nginx/mime.types"
mkdir -p "$WORK/nginx"/var/lib/nginx/{body,proxy,fastcgi,uwsgi,scgi} "$WORK/nginx"/var/log/nginx "$WORK/nginx/usr/share/nginx" "$WORK/nginx/var/cache/nginx"
ln -sf /dev/stderr "$WORK/nginx/var/log/nginx/error.log"
ln -sf /dev/stdout "$WORK/nginx/var/log/nginx/access.log"
pack "$WORK/nginx" "$OUT/nginx.tar"

base "$WORK/stub"
mkdir -p "$WORK/stub/stub"
(cd "$HERE/stub" && CGO_ENABLED=0 GOFLAGS=-trimpath go build -ldflags '-s -w' -o "$WORK/stub/stub/stub" .)
pack "$WORK/stub" "$OUT/stub.tar"

# keytool lives in java.base; the truststore script finds cacerts next to keytool's bin/.
# java.security.jgss: the Kerberos classes XucCheck reads the keytab with, as xuc's JVM does.
jlink --add-modules java.base,jdk.crypto.ec,java.security.jgss --strip-debug --no-man-pages --no-header-files --output "$WORK/stub/opt/java"
rm -f "$WORK/stub/opt/java/lib/security/cacerts"
cp /etc/ssl/certs/java/cacerts "$WORK/stub/opt/java/lib/security/cacerts"
for lib in $(find "$WORK/stub/opt/java" -name '*.so' -o -path '*/bin/*' -type f); do
  ldd "$lib" 2>/dev/null | awk '/=>/ {print $3} /^\t\/lib/ {print $1}' | while read -r dep; do
    if [ -n "$dep" ] && [ -e "$dep" ] && [ ! -e "$WORK/stub$dep" ]; then install -D "$(readlink -f "$dep")" "$WORK/stub$dep"; fi
  done
done
ln -s /opt/java/bin/keytool "$WORK/stub/usr/bin/keytool"
ln -s /opt/java/bin/java "$WORK/stub/usr/bin/java"
mkdir -p "$WORK/stub/opt/xuc-check/check"
javac --release 17 -nowarn -cp "$TYPESAFE_CONFIG_JAR" -d "$WORK/stub/opt/xuc-check/check" "$HERE/xuc-check/XucCheck.java"
cp "$(readlink -f "$TYPESAFE_CONFIG_JAR")" "$WORK/stub/opt/xuc-check/typesafe-config.jar"
pack "$WORK/stub" "$OUT/stub-jre.tar"
echo "$OUT"

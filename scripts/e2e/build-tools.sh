#!/usr/bin/env bash
# Builds the Terraform providers our cdktf bindings pin, from their exact tagged sources, into a
# filesystem mirror cached outside the repository; and Terraform (when none >= 1.5 is on PATH)
# and OpenTofu from the Go module proxy. No Terraform registry is needed, nor reached.
#
#   scripts/e2e/build-tools.sh             # last line of stdout: the cache directory
#   scripts/e2e/build-tools.sh --dir-only  # only print where that directory is (builds nothing)
#
# Provider sources: the tarballs of $XIVO_PROVIDER_SRC (default: ../shared/provider-src beside
# the repository, else /work/shared/provider-src), made with `git archive` at the release tags.
# Each is checked against the sha256 pinned below before it is unpacked; a mismatch stops the
# build. Their dependencies come from the Go module proxy and are checked against each tree's
# own go.sum (-mod=readonly), with the checksum database on.
#
# Reproducible: the Go toolchain is pinned (GOTOOLCHAIN=go1.26.8: a machine with another Go
# >= 1.21 fetches that toolchain from the module proxy, checked by the checksum database), and
# the build is path- and machine-independent (-trimpath, CGO_ENABLED=0, -buildvcs=false,
# GOOS/GOARCH/GOAMD64 set). So the binaries are byte-identical on every machine, and their
# hashes are the ones committed in providers.lock.hcl (scripts/lock-providers.sh writes it),
# which synth copies into every stack: Terraform refuses any other binary. Each build is
# checked against that file here (XIVO_SKIP_LOCK_CHECK=1 skips it, for lock-providers.sh).
#
# Cache layout ($XIVO_TOOLS_CACHE, default ~/.cache/xivo-cdktf/tools, mode 0700; key = sha256 of
# the pins below and the Go version, so a change of any pin rebuilds, an edit elsewhere does not):
#   <key>/mirror/registry.terraform.io/<ns>/<type>/<ver>/linux_amd64/terraform-provider-<type>_v<ver>[_x5]
#   <key>/mirror/registry.opentofu.org/...   the same binaries, for OpenTofu's provider addresses
#   <key>/terraform.rc       CLI config: filesystem_mirror only (point TF_CLI_CONFIG_FILE at it)
#   <key>/bin/terraform      Terraform on PATH (a link) or 1.11.4 built from its module
#   <key>/bin/tofu           OpenTofu 1.12.6 built from its module
#   <key>/sha256sums         sha256 of every binary built here, checked on each reuse
#   <key>/provenance.json    what was built from which source (read by the e2e report)
set -euo pipefail
umask 077

# Pinned sources: tarball, its sha256 (as in provider-src/README.md), the tag's commit.
DOCKER_TGZ=terraform-provider-docker-3.6.2.tar.gz
DOCKER_SHA=1fe95b7ea6fda52a33131e67ffc2dc4aff89633b81ef3f0bea7c930161e6d028
DOCKER_COMMIT=2f20f8c3ce8290fcd03d96e69c7bc6338897a479
TLS_TGZ=terraform-provider-tls-4.1.0.tar.gz
TLS_SHA=fee67fc355e0a3bbe6e0b072ac3fd8f283442b654f2df1179e8de0dbdd58e330
TLS_COMMIT=eefba144662d715aa78a1ec051d88037b141826c
LOCAL_TGZ=terraform-provider-local-2.6.1.tar.gz
LOCAL_SHA=ccbde63fedcd60db0f9532617dceb0d0c5d9dc48dbb16e137f0f7b427ec3e7f9
LOCAL_COMMIT=ba8eb9d12edf493cd3f77ac80a59f6c89b50d4fc
# Terraform and OpenTofu from the module proxy, each pinned by its module's h1 sum.
TF_VERSION=1.11.4
TF_H1=h1:n5VVSuZsOLbQc9tpqny1mnd6cttyTwvEpLPVewj9UYA=
TF_COMMIT_PSEUDO=v0.0.0-20250409131005-35645b8fca68   # its nested modules have no tags of their own
TOFU_VERSION=1.12.6
TOFU_H1=h1:0VT4P8pMmGcCUnQ9JDrJ+Qg2d35Vzm4FFd/9+H7oF98=
TOFU_HCL_REPLACE=github.com/opentofu/hcl/v2@v2.20.2-0.20251021132045-587d123c2828
# The Go toolchain every binary is built with (golang.org/toolchain from the module proxy when
# the machine's Go is another version).
GO_TOOLCHAIN=go1.26.8

command -v go >/dev/null || { echo "build-tools: go not found (Go >= 1.21 is needed; it fetches $GO_TOOLCHAIN)" >&2; exit 1; }
export GOTOOLCHAIN=$GO_TOOLCHAIN
REPO=$(cd "$(dirname "$0")/../.." && pwd)
SRC=${XIVO_PROVIDER_SRC:-}
if [ -z "$SRC" ]; then
  for candidate in "$REPO/../shared/provider-src" /work/shared/provider-src; do
    [ -f "$candidate/$DOCKER_TGZ" ] && { SRC=$candidate; break; }
  done
fi
CACHE_ROOT=${XIVO_TOOLS_CACHE:-$HOME/.cache/xivo-cdktf/tools}
KEY=$(printf '%s\n' "$DOCKER_SHA" "$TLS_SHA" "$LOCAL_SHA" "$TF_VERSION" "$TF_H1" "$TOFU_VERSION" "$TOFU_H1" "$TOFU_HCL_REPLACE" "$(go env GOVERSION)" | sha256sum | cut -c1-16)
OUT=$CACHE_ROOT/$KEY
if [ "${1:-}" = --dir-only ]; then echo "$OUT"; exit 0; fi
log() { echo "build-tools: $*" >&2; }

mkdir -p "$CACHE_ROOT"
chmod 0700 "$CACHE_ROOT" "$(dirname "$CACHE_ROOT")" 2>/dev/null || true
[ "$(stat -c %u "$CACHE_ROOT")" = "$(id -u)" ] || { log "$CACHE_ROOT is not owned by $(id -un): refusing to use it"; exit 1; }
REG=$OUT/mirror/registry.terraform.io
WORK=$(mktemp -d "${TMPDIR:-/tmp}/xivo-build-tools.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# The checksum database stays on: nothing is exempted from it, whatever the machine's settings.
unset GONOSUMDB GONOSUMCHECK GONOSUMIGNORE GOPRIVATE GOINSECURE GOFLAGS
[ "$(go env GOSUMDB)" != off ] || export GOSUMDB=sum.golang.org
unset GOEXPERIMENT GOFIPS140 GOARM64 GO386
export CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOAMD64=v1 GOFLAGS="-trimpath -mod=readonly -buildvcs=false"
mkdir -p "$REG" "$OUT/bin"
SUMS=$OUT/sha256sums
touch "$SUMS"

# verified FILE: true when FILE is listed in sha256sums with its current content.
verified() {
  local line; line=$(grep -F "  $1" "$SUMS" | tail -n 1) || return 1
  [ -n "$line" ] && [ -x "$1" ] && printf '%s\n' "$line" | sha256sum --check --status -
}
record() { grep -vF "  $1" "$SUMS" > "$SUMS.tmp" || true; sha256sum "$1" >> "$SUMS.tmp"; mv "$SUMS.tmp" "$SUMS"; }

# build_provider NAME TARBALL SHA256 DEST LDFLAGS
build_provider() {
  local name=$1 tgz=$2 sha=$3 dest=$4 ldflags=$5
  if verified "$dest"; then log "$name: cached, sha256 verified ($dest)"; return; fi
  if [ -e "$dest" ]; then log "$name: cached binary does not match its recorded sha256: rebuilding"; rm -f "$dest"; fi
  [ -n "$SRC" ] && [ -f "$SRC/$tgz" ] || {
    log "$name: $tgz not found (set XIVO_PROVIDER_SRC to the directory holding the provider tarballs)"; exit 1; }
  local got; got=$(sha256sum "$SRC/$tgz" | cut -d' ' -f1)
  [ "$got" = "$sha" ] || { log "$name: sha256 of $SRC/$tgz is $got, pinned $sha: refusing to build it"; exit 1; }
  tar -xzf "$SRC/$tgz" -C "$WORK"
  local tree=$WORK/${tgz%.tar.gz} t0=$SECONDS
  log "$name: building $tgz (sha256 verified)"
  mkdir -p "$(dirname "$dest")"
  (cd "$tree" && go build -ldflags "$ldflags" -o "$dest.tmp" . >&2)
  mv "$dest.tmp" "$dest"
  record "$dest"
  log "$name: built in $((SECONDS - t0)) s"
}

build_provider docker "$DOCKER_TGZ" "$DOCKER_SHA" \
  "$REG/kreuzwerker/docker/3.6.2/linux_amd64/terraform-provider-docker_v3.6.2" "-s -w -X main.version=3.6.2"
build_provider tls "$TLS_TGZ" "$TLS_SHA" \
  "$REG/hashicorp/tls/4.1.0/linux_amd64/terraform-provider-tls_v4.1.0_x5" "-s -w"
build_provider local "$LOCAL_TGZ" "$LOCAL_SHA" \
  "$REG/hashicorp/local/2.6.1/linux_amd64/terraform-provider-local_v2.6.1_x5" "-s -w"
# h1 hash of an unpacked provider directory (Terraform's dirhash: sha256 of "<sha256>  <file>" lines).
h1_of() { echo "h1:$(cd "$(dirname "$1")" && sha256sum -- * | openssl dgst -sha256 -binary | base64)"; }
LOCK_FILE=$REPO/providers.lock.hcl
# check_lock ADDRESS BINARY: the binary's h1 is among the hashes providers.lock.hcl pins for ADDRESS.
check_lock() {
  local addr=$1 bin=$2 h1 pinned
  h1=$(h1_of "$bin")
  [ "${XIVO_SKIP_LOCK_CHECK:-}" = 1 ] && return
  pinned=$(awk -v a="provider \"$addr\" {" '$0 == a {on=1; next} on && /^}/ {on=0} on && /"h1:/ {gsub(/[ ",]/, ""); print}' "$LOCK_FILE")
  if ! grep -qxF "$h1" <<<"$pinned"; then
    log "$addr: the binary built here has $h1, providers.lock.hcl pins ${pinned:-nothing}."
    log "  Terraform would refuse it. Same sources and Go toolchain ($GO_TOOLCHAIN) give the same bytes: check both;"
    log "  after a deliberate change of a provider version, run scripts/lock-providers.sh and commit providers.lock.hcl."
    exit 1
  fi
}
check_lock registry.terraform.io/kreuzwerker/docker "$REG/kreuzwerker/docker/3.6.2/linux_amd64/terraform-provider-docker_v3.6.2"
check_lock registry.terraform.io/hashicorp/tls "$REG/hashicorp/tls/4.1.0/linux_amd64/terraform-provider-tls_v4.1.0_x5"
check_lock registry.terraform.io/hashicorp/local "$REG/hashicorp/local/2.6.1/linux_amd64/terraform-provider-local_v2.6.1_x5"
log "providers: hashes match providers.lock.hcl"

# OpenTofu resolves the same providers under registry.opentofu.org.
# Each binary is linked, in directories of its own: OpenTofu's mirror search does not enter a
# symbolic link to a directory ("provider registry.opentofu.org/hashicorp/tls was not found").
for p in kreuzwerker/docker hashicorp/tls hashicorp/local; do
  [ -L "$OUT/mirror/registry.opentofu.org/$p" ] && rm -f "$OUT/mirror/registry.opentofu.org/$p"
  for bin in "$REG/$p"/*/linux_amd64/terraform-provider-*; do
    dir=$OUT/mirror/registry.opentofu.org/$p/${bin#"$REG/$p/"}
    mkdir -p "${dir%/*}"
    ln -sfn "$bin" "$dir"
  done
done

# module_build NAME MODULE@VERSION H1 PACKAGE LDFLAGS DEST [go mod edit args...]: a throwaway
# module that requires MODULE@VERSION (its h1 sum checked first) and builds PACKAGE.
module_build() {
  local name=$1 modver=$2 h1=$3 pkg=$4 ldflags=$5 dest=$6; shift 6
  local dir=$WORK/$name json sum t0=$SECONDS
  mkdir -p "$dir"
  json=$(cd "$dir" && go mod init "local/build-$name" >/dev/null 2>&1 && GOFLAGS=-mod=mod go mod download -json "$modver" 2>&1) || true
  sum=$(sed -n 's/.*"Sum": "\([^"]*\)".*/\1/p' <<<"$json")
  if [ "$sum" != "$h1" ]; then echo "$json" >&2; log "$name: h1 sum of $modver is '${sum:-none}', pinned $h1"; exit 1; fi
  (
    cd "$dir"
    go mod edit -require="$modver" "$@"
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" > tools.go
    GOFLAGS=-mod=mod go mod tidy >&2
    log "$name: building $modver"
    go build -ldflags "$ldflags" -o "$dest.tmp" "$pkg" >&2
  )
  mv "$dest.tmp" "$dest"
  record "$dest"
  log "$name: built in $((SECONDS - t0)) s"
}

# Terraform: the one on PATH when it is >= 1.5, else 1.11.4 built from its module. Search PATH
# without our own bin/ (CI puts it first): else we would link our link to itself.
path_without_ours=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$OUT/bin" | paste -sd: -)
tf_on_path=$(PATH=$path_without_ours command -v terraform || true)
[ -n "$tf_on_path" ] && tf_on_path=$(readlink -f "$tf_on_path")
tf_version=$( [ -n "$tf_on_path" ] && TF_CLI_CONFIG_FILE=/dev/null "$tf_on_path" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p' || true)
TF_SOURCE=built
if [ -n "$tf_on_path" ] && [[ "$tf_version" =~ ^1\.([5-9]|[1-9][0-9])\. ]] && [ "${XIVO_BUILD_TERRAFORM:-}" != 1 ]; then
  log "terraform: using $tf_on_path ($tf_version)"
  ln -sfn "$tf_on_path" "$OUT/bin/terraform"
  TF_SOURCE="PATH ($tf_on_path)"
elif [ ! -L "$OUT/bin/terraform" ] && verified "$OUT/bin/terraform"; then
  log "terraform: cached, sha256 verified ($OUT/bin/terraform)"
else
  rm -f "$OUT/bin/terraform"
  # terraform's go.mod replaces its nested modules with local paths, which a dependency's
  # replace cannot do: replace each with itself at the tag's commit.
  args=()
  for m in azure consul cos gcs kubernetes oss pg s3; do
    args+=(-replace="github.com/hashicorp/terraform/internal/backend/remote-state/$m=github.com/hashicorp/terraform/internal/backend/remote-state/$m@$TF_COMMIT_PSEUDO")
  done
  args+=(-replace="github.com/hashicorp/terraform/internal/legacy=github.com/hashicorp/terraform/internal/legacy@$TF_COMMIT_PSEUDO")
  module_build terraform "github.com/hashicorp/terraform@v$TF_VERSION" "$TF_H1" github.com/hashicorp/terraform \
    "-s -w -X github.com/hashicorp/terraform/version.dev=no" "$OUT/bin/terraform" "${args[@]}"
fi

# OpenTofu, the second engine (state encryption): always built, its one module replace copied.
if verified "$OUT/bin/tofu"; then
  log "tofu: cached, sha256 verified ($OUT/bin/tofu)"
else
  rm -f "$OUT/bin/tofu"
  module_build tofu "github.com/opentofu/opentofu@v$TOFU_VERSION" "$TOFU_H1" github.com/opentofu/opentofu/cmd/tofu \
    "-s -w -X github.com/opentofu/opentofu/version.dev=no" "$OUT/bin/tofu" \
    -replace="github.com/hashicorp/hcl/v2=$TOFU_HCL_REPLACE"
fi

cat > "$OUT/terraform.rc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$OUT/mirror"
    include = ["registry.terraform.io/kreuzwerker/docker", "registry.terraform.io/hashicorp/tls", "registry.terraform.io/hashicorp/local",
               "registry.opentofu.org/kreuzwerker/docker", "registry.opentofu.org/hashicorp/tls", "registry.opentofu.org/hashicorp/local"]
  }
}
RC
version_of() { TF_CLI_CONFIG_FILE="$OUT/terraform.rc" "$1" version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p'; }
provider_json() { printf '{"provider":"%s","version":"%s","source":"%s","sha256":"%s","commit":"%s","h1":"%s"}' "$1" "$2" "$3" "$4" "$5" "$(h1_of "$6")"; }
{
  printf '{"terraform":"%s","terraform_source":"%s","tofu":"%s","go":"%s","lock":"providers.lock.hcl","providers":[' \
    "$(version_of "$OUT/bin/terraform")" "$TF_SOURCE" "$(version_of "$OUT/bin/tofu")" "$(go env GOVERSION)"
  provider_json docker 3.6.2 "$DOCKER_TGZ" "$DOCKER_SHA" "$DOCKER_COMMIT" "$REG/kreuzwerker/docker/3.6.2/linux_amd64/terraform-provider-docker_v3.6.2"; printf ','
  provider_json tls 4.1.0 "$TLS_TGZ" "$TLS_SHA" "$TLS_COMMIT" "$REG/hashicorp/tls/4.1.0/linux_amd64/terraform-provider-tls_v4.1.0_x5"; printf ','
  provider_json local 2.6.1 "$LOCAL_TGZ" "$LOCAL_SHA" "$LOCAL_COMMIT" "$REG/hashicorp/local/2.6.1/linux_amd64/terraform-provider-local_v2.6.1_x5"
  printf ']}\n'
} > "$OUT/provenance.json"
echo "$OUT"

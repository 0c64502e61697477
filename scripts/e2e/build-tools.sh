#!/usr/bin/env bash
# Builds the Terraform providers our cdktf bindings pin (and Terraform itself when none is on
# PATH) from their Go modules into a filesystem mirror, cached outside the repository. No
# Terraform registry is needed, nor reached.
#
#   scripts/e2e/build-tools.sh             # last line of stdout: the cache directory
#   scripts/e2e/build-tools.sh --dir-only  # only print where that directory is (builds nothing)
#
# Cache layout ($XIVO_TOOLS_CACHE, default ~/.cache/xivo-cdktf/tools; key = sha256 of the module
# versions below and the Go version, so a change of any pin rebuilds, an edit elsewhere does not):
#   <key>/mirror/registry.terraform.io/<ns>/<type>/<ver>/linux_amd64/terraform-provider-<type>_v<ver>[_x5]
#   <key>/terraform.rc       CLI config: filesystem_mirror only (point TF_CLI_CONFIG_FILE at it)
#   <key>/bin/terraform      only when no terraform >= 1.5 is on PATH
#   <key>/provenance.json    what was built from which module version, and why (read by the e2e report)
#   <key>/provenance/<provider>.json  the same, per provider
#
# Why by module version and not `go install path@vX.Y.Z`: none of the three providers' go.mod
# carries the /vN suffix its tag needs, so the tags are not Go versions; docker and local
# declare the archived github.com/terraform-providers/* path, so a throwaway module requires
# that path and replaces it with the real repository at the tag's commit (pseudo-version).
#
# Stand-ins: the Go module proxy reachable from our machines serves only module versions it
# already holds; it answers "403 This module version is not available" for kreuzwerker/docker
# at the v3.6.2 commit and for hashicorp/local at the v2.6.1 commit. Each provider is tried at
# its pinned commit first; when the proxy refuses it, the newest version the proxy serves is
# built instead, installed under the pinned version number (Terraform checks only that number),
# and recorded as a stand-in in provenance.json, which the e2e suite prints in its summary.
set -euo pipefail

# Module versions: the pinned commit of each provider's release tag, as a pseudo-version, and the
# stand-in built when the proxy refuses it.
DOCKER_PINNED=github.com/kreuzwerker/terraform-provider-docker@v0.0.0-20250613214648-2f20f8c3ce82   # v3.6.2
DOCKER_STANDIN=github.com/kreuzwerker/terraform-provider-docker@v0.0.0-20260916201441-96d331c98ff4  # v4.6.0+
TLS_PINNED=github.com/hashicorp/terraform-provider-tls@v1.2.1-0.20250423195406-eefba144662d          # v4.1.0
LOCAL_PINNED=github.com/hashicorp/terraform-provider-local@v1.4.1-0.20251117194318-ba8eb9d12edf      # v2.6.1
LOCAL_STANDIN=github.com/terraform-providers/terraform-provider-local@v1.4.1-0.20260513075820-3561e410f9fe
TF_VERSION=1.11.4
TF_COMMIT_PSEUDO=v0.0.0-20250409131005-35645b8fca68   # its nested modules have no tags of their own

command -v go >/dev/null || { echo "build-tools: go not found (Go >= 1.25 is needed)" >&2; exit 1; }
CACHE_ROOT=${XIVO_TOOLS_CACHE:-$HOME/.cache/xivo-cdktf/tools}
KEY=$(printf '%s\n' "$DOCKER_PINNED" "$DOCKER_STANDIN" "$TLS_PINNED" "$LOCAL_PINNED" "$LOCAL_STANDIN" "$TF_VERSION" "$TF_COMMIT_PSEUDO" "$(go env GOVERSION)" | sha256sum | cut -c1-16)
OUT=$CACHE_ROOT/$KEY
if [ "${1:-}" = --dir-only ]; then echo "$OUT"; exit 0; fi
REG=$OUT/mirror/registry.terraform.io
WORK=$(mktemp -d "${TMPDIR:-/tmp}/xivo-build-tools.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# Provider modules the checksum database has no record of (pseudo-versions nobody published
# through it): integrity is checked against the h1 sums pinned below instead.
export GONOSUMDB=${GONOSUMDB:+$GONOSUMDB,}github.com/kreuzwerker/terraform-provider-docker,github.com/hashicorp/terraform-provider-tls,github.com/hashicorp/terraform-provider-local,github.com/terraform-providers/terraform-provider-local
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-trimpath
mkdir -p "$REG" "$OUT/bin" "$OUT/provenance"
log() { echo "build-tools: $*" >&2; }
PROVENANCE=()

# fetch MODULE@VERSION EXPECTED_H1: prints the module's go mod download JSON on stderr (so a
# failure names the step), checks its h1 sum when one is pinned; returns 1 when refused.
fetch() {
  local json sum
  json=$(cd "$WORK" && go mod download -json "$1" 2>&1) || true
  echo "$json" >&2
  if grep -q '"Error"' <<<"$json"; then return 1; fi
  sum=$(sed -n 's/.*"Sum": "\([^"]*\)".*/\1/p' <<<"$json")
  if [ -n "${2:-}" ] && [ "$sum" != "$2" ]; then
    log "checksum mismatch for $1: got $sum, pinned $2"; exit 1
  fi
}

# build NAME DECLARED_PATH DEST LDFLAGS PINNED_MODULE@VERSION H1 [STANDIN_MODULE@VERSION H1 WHY]
build_provider() {
  local name=$1 declared=$2 dest=$3 ldflags=$4 pinned=$5 pinned_sum=$6 standin=${7:-} standin_sum=${8:-} why=${9:-}
  local use=$pinned kind=pinned record=$OUT/provenance/$name.json
  if [ -x "$dest" ] && [ -s "$record" ]; then
    log "$name: cached ($dest)"; PROVENANCE+=("$(cat "$record")"); return
  fi
  log "$name: fetching pinned $pinned"
  if ! fetch "$pinned" "$pinned_sum"; then
    [ -n "$standin" ] || { log "$name: the module proxy refused $pinned and no stand-in is configured"; exit 1; }
    log "$name: the module proxy refused $pinned; building stand-in $standin ($why)"
    fetch "$standin" "$standin_sum" || { log "$name: stand-in $standin refused too"; exit 1; }
    use=$standin kind=stand-in
  fi
  local dir=$WORK/$name; mkdir -p "$dir"
  (
    cd "$dir"
    go mod init "local/build-$name" >/dev/null 2>&1
    local mod=${use%@*}
    if [ "$mod" = "$declared" ]; then
      go mod edit -require="$use"
    else
      go mod edit -require="$declared@v0.0.0-00010101000000-000000000000" -replace="$declared=$use"
    fi
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$declared" > tools.go
    go mod tidy >&2
    log "$name: building $use"
    local t0=$SECONDS
    go build -ldflags "$ldflags" -o "$dest.tmp" "$declared" >&2
    mv "$dest.tmp" "$dest"
    log "$name: built in $((SECONDS - t0)) s"
  )
  printf '{"provider":"%s","kind":"%s","module":"%s","pinned":"%s"%s}' "$name" "$kind" "$use" "$pinned" \
    "$( [ "$kind" = stand-in ] && printf ',"why":"%s"' "$why" )" > "$record"
  PROVENANCE+=("$(cat "$record")")
}

REFUSED="the Go module proxy answers 403 'This module version is not available' for the pinned commit"
build_provider docker github.com/terraform-providers/terraform-provider-docker \
  "$REG/kreuzwerker/docker/3.6.2/linux_amd64/terraform-provider-docker_v3.6.2" "-s -w -X main.version=3.6.2" \
  "$DOCKER_PINNED" "" "$DOCKER_STANDIN" "h1:T3HvvZCRd4h2qkMl+SXA2zza26Rdz8xqV81skikQWy4=" \
  "kreuzwerker/docker v3.6.2 = commit 2f20f8c3: $REFUSED; stand-in is commit 96d331c9 (v4.6.0+)"
build_provider tls github.com/hashicorp/terraform-provider-tls \
  "$REG/hashicorp/tls/4.1.0/linux_amd64/terraform-provider-tls_v4.1.0_x5" "-s -w" \
  "$TLS_PINNED" "h1:ZStCr6moU5v/sKm+RY6M/rNhnqepDLrPI3vTfL1TfwY="
build_provider local github.com/terraform-providers/terraform-provider-local \
  "$REG/hashicorp/local/2.6.1/linux_amd64/terraform-provider-local_v2.6.1_x5" "-s -w" \
  "$LOCAL_PINNED" "" "$LOCAL_STANDIN" "h1:AjPTzPsYSsLk2CyPtl3S5a9vrUo/kn3IlhfIIouSzSw=" \
  "hashicorp/local v2.6.1 = commit ba8eb9d1: $REFUSED; stand-in is commit 3561e410 (v2.9.0)"

# Terraform: the one on PATH when it is >= 1.5, else Terraform 1.11.4 built from its module.
# Search PATH without our own bin/ (CI puts it first): else we would link our link to itself.
path_without_ours=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$OUT/bin" | paste -sd: -)
tf_on_path=$(PATH=$path_without_ours command -v terraform || true)
[ -n "$tf_on_path" ] && tf_on_path=$(readlink -f "$tf_on_path")
tf_version=$( [ -n "$tf_on_path" ] && TF_CLI_CONFIG_FILE=/dev/null "$tf_on_path" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p' || true)
if [ -n "$tf_on_path" ] && [[ "$tf_version" =~ ^1\.([5-9]|[1-9][0-9])\. ]]; then
  log "terraform: using $tf_on_path ($tf_version)"
  ln -sfn "$tf_on_path" "$OUT/bin/terraform"
elif [ -x "$OUT/bin/terraform" ] && [ ! -L "$OUT/bin/terraform" ]; then
  log "terraform: cached ($OUT/bin/terraform)"
else
  fetch "github.com/hashicorp/terraform@v$TF_VERSION" ""
  dir=$WORK/terraform; mkdir -p "$dir"
  (
    cd "$dir"
    go mod init local/build-terraform >/dev/null 2>&1
    go mod edit -require="github.com/hashicorp/terraform@v$TF_VERSION"
    # terraform's go.mod replaces these nested modules with local paths, which a dependency's
    # replace cannot do: replace each with itself at the tag's commit.
    for m in azure consul cos gcs kubernetes oss pg s3; do
      go mod edit -replace="github.com/hashicorp/terraform/internal/backend/remote-state/$m=github.com/hashicorp/terraform/internal/backend/remote-state/$m@$TF_COMMIT_PSEUDO"
    done
    go mod edit -replace="github.com/hashicorp/terraform/internal/legacy=github.com/hashicorp/terraform/internal/legacy@$TF_COMMIT_PSEUDO"
    printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/hashicorp/terraform"\n' > tools.go
    go mod tidy >&2
    log "terraform: building $TF_VERSION"
    t0=$SECONDS
    go build -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" -o "$OUT/bin/terraform.tmp" github.com/hashicorp/terraform >&2
    mv "$OUT/bin/terraform.tmp" "$OUT/bin/terraform"
    log "terraform: built in $((SECONDS - t0)) s"
  )
fi

cat > "$OUT/terraform.rc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$OUT/mirror"
    include = ["registry.terraform.io/kreuzwerker/docker", "registry.terraform.io/hashicorp/tls", "registry.terraform.io/hashicorp/local"]
  }
}
RC
(IFS=,; printf '{"terraform":"%s","providers":[%s]}\n' "$(TF_CLI_CONFIG_FILE="$OUT/terraform.rc" "$OUT/bin/terraform" version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')" "${PROVENANCE[*]}") > "$OUT/provenance.json"
echo "$OUT"

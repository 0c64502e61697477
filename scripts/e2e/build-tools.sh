#!/usr/bin/env bash
# Builds Terraform and the three providers our cdktf bindings pin, from their Go modules, into a
# filesystem mirror cached outside the repository. No Terraform registry is needed, nor reached.
#
#   scripts/e2e/build-tools.sh            # prints the cache directory on its last line
#
# Output layout (cache key = this script's sha256 + Go version):
#   $XIVO_TOOLS_CACHE/<key>/bin/terraform                      (only when none is on PATH)
#   $XIVO_TOOLS_CACHE/<key>/mirror/registry.terraform.io/<ns>/<type>/<ver>/linux_amd64/terraform-provider-…
#   $XIVO_TOOLS_CACHE/<key>/terraform.rc                        (CLI config: filesystem_mirror only)
#
# Why by commit: none of the three providers' go.mod carries the /vN suffix its tag needs, so
# `go install path@vX.Y.Z` is impossible; docker and local declare the archived
# github.com/terraform-providers/* path, so a throwaway module requires that path and replaces it
# with the real repository at the tag's commit. Terraform's go.mod has local replace directives
# for nested modules: the throwaway module replaces each with itself at the tag's commit.
set -euo pipefail

DOCKER_COMMIT=2f20f8c3ce8290fcd03d96e69c7bc6338897a479   # kreuzwerker/terraform-provider-docker v3.6.2
TLS_COMMIT=eefba144662d715aa78a1ec051d88037b141826c      # hashicorp/terraform-provider-tls v4.1.0
LOCAL_COMMIT=ba8eb9d12edf493cd3f77ac80a59f6c89b50d4fc    # hashicorp/terraform-provider-local v2.6.1
TERRAFORM_VERSION=1.11.4

command -v go >/dev/null || { echo "build-tools: go not found (Go 1.24 or later is needed)" >&2; exit 1; }
CACHE_ROOT=${XIVO_TOOLS_CACHE:-$HOME/.cache/xivo-cdktf/tools}
KEY=$( { sha256sum "$0" | cut -c1-16; go env GOVERSION; } | sha256sum | cut -c1-16)
OUT=$CACHE_ROOT/$KEY
MIRROR=$OUT/mirror
REG=$MIRROR/registry.terraform.io
WORK=$OUT/work
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-trimpath
mkdir -p "$REG" "$WORK" "$OUT/bin"
log() { echo "build-tools: $*" >&2; }

# Throwaway module: require $declared, replace it with $real@$commit, build its main package.
build_replaced() {
  local name=$1 declared=$2 real=$3 commit=$4 dest=$5 ldflags=$6
  [ -x "$dest" ] && { log "$name: cached ($dest)"; return; }
  local dir=$WORK/$name; rm -rf "$dir"; mkdir -p "$dir"; cd "$dir"
  log "$name: resolving $real@$commit"
  go mod download -json "$real@$commit" >&2
  go mod init "local/build-$name" >/dev/null 2>&1
  go mod edit -require="$declared@v0.0.0-00010101000000-000000000000" -replace="$declared=$real@$commit"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$declared" > tools.go
  go mod tidy
  log "$name: building"
  local t0=$SECONDS
  go build -ldflags "$ldflags" -o "$dest.tmp" "$declared"
  mv "$dest.tmp" "$dest"
  log "$name: built in $((SECONDS - t0)) s"
}

build_replaced docker github.com/terraform-providers/terraform-provider-docker \
  github.com/kreuzwerker/terraform-provider-docker "$DOCKER_COMMIT" \
  "$REG/kreuzwerker/docker/3.6.2/linux_amd64/terraform-provider-docker_v3.6.2" "-s -w -X main.version=3.6.2"
build_replaced tls github.com/hashicorp/terraform-provider-tls \
  github.com/hashicorp/terraform-provider-tls "$TLS_COMMIT" \
  "$REG/hashicorp/tls/4.1.0/linux_amd64/terraform-provider-tls_v4.1.0_x5" "-s -w"
build_replaced local github.com/terraform-providers/terraform-provider-local \
  github.com/hashicorp/terraform-provider-local "$LOCAL_COMMIT" \
  "$REG/hashicorp/local/2.6.1/linux_amd64/terraform-provider-local_v2.6.1_x5" "-s -w"

# Terraform: use the one on PATH when it is 1.x >= 1.5, else build 1.11.4.
tf_on_path=$(command -v terraform || true)
if [ -n "$tf_on_path" ] && [ "$(readlink -f "$tf_on_path")" != "$(readlink -f "$OUT/bin/terraform")" ] \
   && "$tf_on_path" version -json 2>/dev/null | grep -Eq '"terraform_version": *"1\.([5-9]|[1-9][0-9])\.'; then
  log "terraform: using $tf_on_path ($("$tf_on_path" version -json | grep -o '"terraform_version": *"[^"]*"'))"
elif [ -x "$OUT/bin/terraform" ]; then
  log "terraform: cached ($OUT/bin/terraform)"
else
  dir=$WORK/terraform; rm -rf "$dir"; mkdir -p "$dir"; cd "$dir"
  log "terraform: resolving github.com/hashicorp/terraform@v$TERRAFORM_VERSION"
  go mod download -json "github.com/hashicorp/terraform@v$TERRAFORM_VERSION" >&2
  pseudo=$(go list -m -json "github.com/hashicorp/terraform@v$TERRAFORM_VERSION" | sed -n 's/.*"Time": "\([^"]*\)".*/\1/p' | head -1)
  go mod init local/build-terraform >/dev/null 2>&1
  go mod edit -require="github.com/hashicorp/terraform@v$TERRAFORM_VERSION"
  # Nested modules that terraform's own go.mod replaces with local paths: replace each with
  # itself at the tag's commit (the proxy serves a nested module from its subdirectory).
  commit=$(go mod download -json "github.com/hashicorp/terraform@v$TERRAFORM_VERSION" | sed -n 's/.*"Hash": "\([0-9a-f]\{40\}\)".*/\1/p' | head -1)
  ref=${commit:-v$TERRAFORM_VERSION}
  for m in internal/backend/remote-state/azure internal/backend/remote-state/consul internal/backend/remote-state/cos \
           internal/backend/remote-state/gcs internal/backend/remote-state/kubernetes internal/backend/remote-state/oss \
           internal/backend/remote-state/pg internal/backend/remote-state/s3 internal/legacy; do
    go mod edit -replace="github.com/hashicorp/terraform/$m=github.com/hashicorp/terraform/$m@${TERRAFORM_COMMIT:-35645b8fca68ff7e0b8785a3b563724a529a0caf}"
  done
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/hashicorp/terraform"\n' > tools.go
  go mod tidy
  log "terraform: building"
  t0=$SECONDS
  go build -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" -o "$OUT/bin/terraform.tmp" github.com/hashicorp/terraform
  mv "$OUT/bin/terraform.tmp" "$OUT/bin/terraform"
  log "terraform: built in $((SECONDS - t0)) s"
fi

cat > "$OUT/terraform.rc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/kreuzwerker/docker", "registry.terraform.io/hashicorp/tls", "registry.terraform.io/hashicorp/local"]
  }
}
RC
rm -rf "$WORK"
echo "$OUT"

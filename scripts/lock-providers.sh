#!/usr/bin/env bash
# Writes providers.lock.hcl: the Terraform dependency lock of the three providers our stacks
# require, with the hashes of the binaries scripts/e2e/build-tools.sh builds from the pinned
# sources. Synth copies it into every stack (only the providers that stack requires), so
# `terraform init` installs exactly these binaries and refuses any other.
#
#   scripts/lock-providers.sh               hashes of the mirror build-tools.sh builds (offline)
#   scripts/lock-providers.sh --mirror DIR  hashes of another filesystem mirror (added to the file)
#   scripts/lock-providers.sh --registry    also the registry's official builds (a connected machine;
#                                            every platform below), added to the file
#
# `terraform providers lock` adds hashes to those already in the file for the same versions:
# hashes of the registry's builds can sit beside ours. Review the diff, then commit.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
LOCK=$REPO/providers.lock.hcl
PLATFORMS=(linux_amd64)
mode=mirror mirror=""
case "${1:-}" in
  --registry) mode=registry; PLATFORMS=(linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64) ;;
  --mirror) mirror=${2:?--mirror needs a directory} ;;
  "") ;;
  *) echo "usage: $0 [--mirror DIR | --registry]" >&2; exit 2 ;;
esac
if [ "$mode" = mirror ] && [ -z "$mirror" ]; then
  mirror=$(XIVO_SKIP_LOCK_CHECK=1 bash scripts/e2e/build-tools.sh | tail -n 1)/mirror
fi
command -v terraform >/dev/null || { echo "lock-providers: terraform not found" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# required_providers as synth writes them (a unit test checks that they match the bindings).
cat > "$work/main.tf.json" <<'JSON'
{ "terraform": { "required_providers": {
  "docker": { "source": "kreuzwerker/docker", "version": "3.6.2" },
  "tls": { "source": "hashicorp/tls", "version": "4.1.0" },
  "local": { "source": "hashicorp/local", "version": "2.6.1" } } } }
JSON
[ -f "$LOCK" ] && cp "$LOCK" "$work/.terraform.lock.hcl"
args=()
for p in "${PLATFORMS[@]}"; do args+=("-platform=$p"); done
if [ "$mode" = mirror ]; then
  (cd "$work" && TF_CLI_CONFIG_FILE=/dev/null terraform providers lock -fs-mirror="$mirror" "${args[@]}" >&2)
else
  (cd "$work" && TF_CLI_CONFIG_FILE=/dev/null terraform providers lock "${args[@]}" >&2)
fi
cp "$work/.terraform.lock.hcl" "$LOCK"
echo "lock-providers: wrote $LOCK" >&2

#!/bin/sh
# Prints a directory of symbolic links to node, npm, npx, git and the basic shell tools, and
# nothing else: with PATH set to it, a test or synth that needs another program (openssl, nginx,
# java, docker, terraform, go, dot...) finds none, as on a newcomer's machine with Node alone.
# Usage: PATH=$(scripts/ci/restricted-path.sh [DIR]) npm test
set -eu
dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/xivo-cdktf-path.XXXXXX")}
mkdir -p "$dir"
# The README's two commands need these: npm scripts run through sh; jest, tsc and eslint are node.
TOOLS="node npm npx git sh bash env cat ls mkdir rm rmdir cp mv ln chmod touch sed grep find xargs
sort uniq head tail wc tr cut date dirname basename realpath readlink mktemp tee true false test [
printf echo sleep uname id pwd stat du tar gzip diff cmp expr seq sha256sum kill ps awk mkfifo"
for tool in $TOOLS; do
  target=$(command -v "$tool" 2>/dev/null || true)
  case "$target" in
    /*) ln -sf "$(realpath "$target")" "$dir/$tool" ;;
    *) [ "$tool" = node ] || [ "$tool" = npm ] || [ "$tool" = git ] || continue
       echo "restricted-path: $tool is not installed" >&2; exit 1 ;;
  esac
done
echo "$dir"

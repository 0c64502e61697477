#!/usr/bin/env bash
# A newcomer's first hour, proven: the README's two commands in a fresh clone of this repository
# (its committed HEAD), with a PATH that holds only node, npm, git and the basic shell tools (no
# openssl, nginx, java, docker, terraform, go, dot: scripts/ci/restricted-path.sh), and without
# CI=true, so that every conformance suite skips and says which package it needs.
#   1. npm install && npm run synth   must exit 0 and write cdktf.out/docs/prod/topology.svg
#   2. npm test                       must exit 0
# Prints how long each command took, and each skipped suite with the package it names.
# Usage: scripts/ci/fresh-clone.sh   (from anywhere in the repository; exit 1 on any failure)
set -euo pipefail
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d "${TMPDIR:-/tmp}/xivo-cdktf-fresh.XXXXXX")
trap 'rm -rf "$work"' EXIT
bin=$("$repo/scripts/ci/restricted-path.sh" "$work/bin")
git clone --quiet --no-hardlinks "$repo" "$work/clone"
cd "$work/clone"

# What a newcomer's shell has: no CI flag, none of CI's Terraform settings, the restricted PATH.
run() {
  env -u CI -u TF_CLI_CONFIG_FILE -u XIVO_CDKTF_TOOLS -u XIVO_ENV_FILES -u CDKTF_OUTDIR PATH="$bin" "$@"
}
seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f s", b - a }'; }

echo "fresh clone: $work/clone ($(git rev-parse --short HEAD)); PATH holds only: $(ls "$bin" | tr '\n' ' ')"
status=0
start=$(seconds)
run bash -c 'npm install --no-audit --no-fund --loglevel=error && npm run synth' || status=$?
synth_time=$(elapsed "$start" "$(seconds)")
if [ "$status" -eq 0 ] && [ ! -s cdktf.out/docs/prod/topology.svg ]; then
  echo "fresh clone: npm run synth wrote no cdktf.out/docs/prod/topology.svg" >&2
  status=1
fi

report="$work/test.json"
start=$(seconds)
test_status=0
run npm test -- --json --outputFile="$report" || test_status=$?
test_time=$(elapsed "$start" "$(seconds)")

# Every skip names its package: the skipped test of describeWithPrograms says what to install.
if [ -f "$report" ]; then
  run node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const skipped = r.testResults.flatMap((f) => f.assertionResults.filter((t) => t.status === "pending").map((t) => `  ${t.ancestorTitles.join(" > ")}: ${t.title}`));
    console.log(`fresh clone: npm test: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped (${r.numPendingTestSuites} suites skipped)`);
    skipped.forEach((s) => console.log(s));
    const unnamed = skipped.filter((s) => !/not installed \(/.test(s));
    if (unnamed.length) { console.error(`fresh clone: ${unnamed.length} skipped tests do not name a package to install`); process.exit(1); }
  ' "$report" || test_status=1
fi

echo "fresh clone timings: npm install && npm run synth: $synth_time (exit $status); npm test: $test_time (exit $test_status)"
[ "$status" -eq 0 ] && [ "$test_status" -eq 0 ]

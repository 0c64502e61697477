/**
 * The POSIX sh script of EnvFileKeys, run by busybox (`sh`, `awk`, `cmp`, `cat`, `touch`, `mv`, `chmod`,
 * `date`) in the helper image. It updates the keys xivo-cdktf manages in an env file that
 * XiVO's installers also write, and leaves every other line as it was.
 *
 * Usage: `sh update-env-file.sh <env file> <managed values file>`. The values file holds one
 * `KEY=VALUE` per line (the secrets in it come from Terraform variables at apply time).
 *
 * - A line `KEY=...` of a managed key gets the new value, in place; a second line of the same
 *   key is dropped (Docker would read the later one).
 * - A managed key absent from the file is appended, and recorded in the sidecar list
 *   `.<file>.xivo-cdktf-keys`: those keys are ours. A key that was already in the file
 *   (written by an installer or an operator) is updated but never recorded.
 * - A recorded key that is no longer managed is removed; an unrecorded one never is.
 * - Every other line (comments, blank lines, installer and operator keys) is kept byte for byte.
 * - Nothing changed: nothing is written (no backup, same mtime). Otherwise the previous file
 *   is copied to `<file>.backup-<UTC time>[-<n>]` (created 0600 before anything is copied into
 *   it; every run re-asserts 0600 on the existing backups), the new one written to a temporary
 *   file in the same directory, set to 0600 and renamed over the old one (atomic).
 * - `factory.env` (XiVO's factory defaults) is refused.
 *
 * The script is a Terraform string (uploaded content): it must not contain `${` nor `%{`.
 */
export const ENV_FILE_KEYS_SCRIPT = `#!/bin/sh
# xivo-cdktf: update the keys xivo-cdktf manages in an env file; keep every other line.
set -eu
target=$1
managed=$2
dir=$(dirname "$target")
base=$(basename "$target")
case "$base" in
  factory.env) echo "xivo-cdktf: refusing to write $target: factory.env belongs to XiVO" >&2; exit 2 ;;
esac
owned="$dir/.$base.xivo-cdktf-keys"
new="$dir/.$base.xivo-cdktf-new"
newowned="$dir/.$base.xivo-cdktf-keys-new"
umask 077
current=$target
[ -f "$target" ] || current=/dev/null
previous=$owned
[ -f "$owned" ] || previous=/dev/null
# Every run re-asserts the backups' mode (one left at another mode by hand or by an older version).
for b in "$target".backup-*; do
  if [ -f "$b" ]; then chmod 0600 "$b"; fi
done
: > "$newowned"
awk -v owned_out="$newowned" '
  part == 1 { if ($0 != "") owned[$0] = 1; next }
  part == 2 {
    i = index($0, "=")
    if (i < 2) { print "xivo-cdktf: bad managed line: " $0 > "/dev/stderr"; bad = 1; exit 1 }
    k = substr($0, 1, i - 1)
    line[k] = $0
    order[++n] = k
    next
  }
  {
    if (match($0, /^[A-Za-z_][A-Za-z0-9_.]*=/)) {
      k = substr($0, 1, RLENGTH - 1)
      if (k in line) {
        if (!(k in done)) print line[k]
        done[k] = 1
        next
      }
      if (k in owned) next
    }
    print
  }
  END {
    if (bad) exit 1
    for (j = 1; j <= n; j++) {
      k = order[j]
      if (!(k in done)) { print line[k]; owned[k] = 1 }
      if (k in owned) print k > owned_out
    }
  }' part=1 "$previous" part=2 "$managed" part=3 "$current" > "$new"
if [ "$current" != /dev/null ] && cmp -s "$new" "$target" && cmp -s "$newowned" "$previous"; then
  rm -f "$new" "$newowned"
  echo "xivo-cdktf: $target unchanged"
  exit 0
fi
if [ "$current" != /dev/null ] && ! cmp -s "$new" "$target"; then
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  backup="$target.backup-$stamp"
  i=1
  while [ -e "$backup" ]; do backup="$target.backup-$stamp-$i"; i=$((i + 1)); done
  # Created empty and 0600 (umask 077, never over an existing file), then filled: the copy of
  # the secrets is never readable by anyone else, not even for a moment (cp -p would give it the
  # original's mode first).
  (set -C; : > "$backup")
  chmod 0600 "$backup"
  cat "$target" > "$backup"
  touch -r "$target" "$backup"
  echo "xivo-cdktf: previous $target kept as $backup"
fi
chmod 0600 "$new"
mv -f "$new" "$target"
if [ -s "$newowned" ]; then
  chmod 0600 "$newowned"
  mv -f "$newowned" "$owned"
else
  rm -f "$newowned" "$owned"
fi
echo "xivo-cdktf: $target updated"
`;

/**
 * Local state is a secret on disk: each `<stack>.tfstate` (and its `.backup`) holds the token, the
 * passwords the containers get and the keys of its stack. Synth creates the state directory
 * (`terraform-state/` or `backend.directory`) 0700, so that Terraform, which writes state with the
 * umask of whoever runs it (0644 under the usual 022), never leaves it readable by other users; a
 * directory that is already there and looser is tightened, with a warning.
 */
import * as fs from 'fs';

/** Mode of a directory holding state. */
export const STATE_DIRECTORY_MODE = 0o700;

/**
 * Creates `dir` 0700, or tightens it to 0700 when group or others may enter it.
 * @returns the warning to print when it was tightened
 */
export function secureStateDirectory(dir: string): string | undefined {
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true, mode: STATE_DIRECTORY_MODE });
    fs.chmodSync(dir, STATE_DIRECTORY_MODE);
    return undefined;
  }
  const mode = fs.statSync(dir).mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  fs.chmodSync(dir, STATE_DIRECTORY_MODE);
  return (
    `the state directory ${dir} was ${mode.toString(8).padStart(4, '0')}: other users of this machine could read the states in it ` +
    `(the token, passwords and private keys); synth made it 0700. Check who read it, and keep it 0700`
  );
}

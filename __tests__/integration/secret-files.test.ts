/**
 * State and plan files are secrets on disk too (issue 20, item 5): synth creates the local state
 * directory 0700 and tightens a looser one with a warning, cdktf.out is 0700, and deploy runs
 * Terraform under umask 077 (its saved plans and local states 0600).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesize } from '../../main';
import { loadEnvironmentFile } from '../../config/loader';
import { terraform } from '../../deploy/terraform';
import { baseline, writeEnvironment } from '../support/environments';

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

function synthWithLocalState(directory: string): { outdir: string; warnings: string[]; stateDir: string } {
  const envFile = writeEnvironment({ ...baseline(), backend: { type: 'local', directory } }, `modes-${path.basename(directory)}`);
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-modes-')), 'cdktf.out');
  const warnings: string[] = [];
  synthesize(outdir, { environments: [loadEnvironmentFile(envFile).environment!], onWarning: (w) => warnings.push(w) });
  return { outdir, warnings, stateDir: path.resolve(path.dirname(envFile), directory) };
}

describe('synth: the state directory and cdktf.out are 0700', () => {
  test('a new state directory is created 0700, cdktf.out is 0700, with no warning', () => {
    const { outdir, warnings, stateDir } = synthWithLocalState('state-new');
    expect(modeOf(stateDir)).toBe(0o700);
    expect(modeOf(outdir)).toBe(0o700);
    expect(warnings.filter((w) => w.includes('state directory'))).toEqual([]);
  });

  test('a looser state directory is tightened to 0700, with a warning that says what it was', () => {
    const dir = path.join(path.dirname(writeEnvironment(baseline())), 'state-loose');
    fs.mkdirSync(dir, { recursive: true });
    fs.chmodSync(dir, 0o755);
    const { warnings } = synthWithLocalState('state-loose');
    expect(modeOf(dir)).toBe(0o700);
    expect(warnings.filter((w) => w.includes('state directory'))).toEqual([
      `test-pbx: the state directory ${dir} was 0755: other users of this machine could read the states in it (the token, passwords and private keys); synth made it 0700. Check who read it, and keep it 0700`,
    ]);
  });
});

describe('deploy: Terraform runs under umask 077', () => {
  test('what it writes (a saved plan, a state, a directory) is 0600 / 0700, whatever the umask of the caller', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-umask-'));
    const fake = path.join(dir, 'fake-terraform.sh');
    fs.writeFileSync(fake, '#!/bin/sh\necho plan > xivo-deploy.tfplan\necho state > stack.tfstate\nmkdir .terraform\n', { mode: 0o755 });
    const saved = process.env.XIVO_TERRAFORM;
    const callerUmask = process.umask(0o022);
    process.env.XIVO_TERRAFORM = fake;
    try {
      const result = await terraform(dir, ['plan'], process.env);
      expect(result.code).toBe(0);
    } finally {
      process.umask(callerUmask);
      if (saved === undefined) delete process.env.XIVO_TERRAFORM;
      else process.env.XIVO_TERRAFORM = saved;
    }
    expect([modeOf(path.join(dir, 'xivo-deploy.tfplan')), modeOf(path.join(dir, 'stack.tfstate')), modeOf(path.join(dir, '.terraform'))]).toEqual([
      0o600, 0o600, 0o700,
    ]);
    expect(process.umask(0o022)).toBe(0o022); // the caller's umask is back
    process.umask(callerUmask);
  });
});

/**
 * Synth stubs cdktf's token stack traces (synth/token-stack-traces.ts). Checked in plain node
 * processes running the compiled synth, because this Jest configuration already maps the module
 * to a stub: the stub is active after synthesize(), tokens carry no creation stack, and the
 * output is byte for byte the output with cdktf's traces (XIVO_TOKEN_STACK_TRACES=1).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTree } from '../support/synth';

jest.setTimeout(120_000);
const ROOT = path.resolve(__dirname, '..', '..');

const PROBE = `
const { synthesize } = require('./dist/main.js');
synthesize(process.argv[1], { referenceOutdir: 'cdktf.out' });
const { Lazy, Tokenization } = require('cdktf');
const token = Tokenization.reverseString(Lazy.stringValue({ produce: () => 'x' })).firstToken;
console.log(JSON.stringify({
  stubbed: require('./dist/synth/token-stack-traces.js').tokenStackTracesStubbed(),
  creationStack: token.creationStack.length,
}));
`;

function synthInNode(outdir: string, env: Record<string, string>): { stubbed: boolean; creationStack: number } {
  const stdout = execFileSync(process.execPath, ['-e', PROBE, outdir], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, XIVO_ENV_FILES: 'environments/prod.yaml,environments/sso.yaml', ...env },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

test('synth runs with the stub, tokens keep no stack trace, and the output is identical to a synth with traces', () => {
  execFileSync(process.execPath, ['scripts/build.js'], { cwd: ROOT });
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-traces-')), 'cdktf.out');

  expect(synthInNode(outdir, {})).toEqual({ stubbed: true, creationStack: 0 });
  const stubbed = readTree(outdir);

  const traced = synthInNode(outdir, { XIVO_TOKEN_STACK_TRACES: '1' });
  expect(traced.stubbed).toBe(false);
  expect(traced.creationStack).toBeGreaterThan(0);

  expect(readTree(outdir)).toEqual(stubbed);
  expect(stubbed.size).toBeGreaterThan(10);
});

/**
 * OpenTofu's state and plan encryption as deploy gives it (`backend.encryption`, issue 20): the real
 * deploy orchestration runs the real OpenTofu (built by scripts/e2e/build-tools.sh) with TF_ENCRYPTION
 * on a stack whose state holds a private key. On disk the state holds no PEM block and is 0600; a
 * second deploy changes nothing; a wrong passphrase stops the plan with OpenTofu's decryption error
 * and a missing one (or Terraform instead of OpenTofu) is refused before anything runs; the state
 * file is untouched by each of them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deploy } from '../../deploy/deploy';
import { readStacks } from '../../deploy/stack-info';
import { StateEncryptionError } from '../../deploy/state-encryption';
import { describeWithPrograms } from '../support/programs';
import { findTerraformTools } from '../support/terraform-apply';

const tools = findTerraformTools();
const TOFU = path.join(path.dirname(tools.cliConfig), 'bin', 'tofu');
const STACK = 'enc-keys';
// HCL template sequences and quotes in it: TF_ENCRYPTION is HCL, where they must stay literal.
const PASSPHRASE = 'correct "horse" ${battery} %{staple}, 2026';

describeWithPrograms('OpenTofu state encryption through deploy', { [TOFU]: 'OpenTofu (bash scripts/e2e/build-tools.sh builds it)' }, () => {
  let outdir: string;
  let stateFile: string;
  const env = (more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    TF_CLI_CONFIG_FILE: tools.cliConfig,
    XIVO_TERRAFORM: TOFU,
    XIVO_STATE_PASSPHRASE: PASSPHRASE,
    ...more,
  });
  const run = (more: NodeJS.ProcessEnv = {}) => deploy({ outdir, stacks: readStacks(outdir), env: env(more), lockTimeout: '10s' });
  const stateBytes = () => fs.readFileSync(stateFile);

  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-tofu-enc-'));
    outdir = path.join(dir, 'cdktf.out');
    stateFile = path.join(dir, 'state', `${STACK}.tfstate`);
    fs.mkdirSync(path.join(outdir, 'stacks', STACK), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: { [STACK]: { dependencies: [] } } }));
    // What synth writes for backend.encryption: the passphrase's variable name in the metadata, nothing else.
    const config = {
      '//': { xivo: { stateEncryption: { passphraseEnv: 'XIVO_STATE_PASSPHRASE' } } },
      terraform: {
        required_providers: { tls: { source: 'hashicorp/tls', version: '4.1.0' } },
        backend: { local: { path: stateFile } },
      },
      resource: { tls_private_key: { key: { algorithm: 'RSA', rsa_bits: 2048 } } },
      output: { public_key: { value: '${tls_private_key.key.public_key_pem}' } },
    };
    fs.writeFileSync(path.join(outdir, 'stacks', STACK, 'cdk.tf.json'), JSON.stringify(config));
  });

  test('apply: the state on disk holds no PEM block, no key, and is 0600; a second deploy changes nothing', async () => {
    const first = await run();
    expect(first.stacks.map((s) => s.result)).toEqual(['applied']);
    const text = stateBytes().toString('utf8');
    expect(text).not.toMatch(/-----BEGIN|PRIVATE KEY|MII/);
    expect(JSON.parse(text)).toHaveProperty('encrypted_data');
    expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);
    const second = await run();
    expect(second.stacks.map((s) => s.result)).toEqual(['unchanged']);
  }, 300_000);

  test("a wrong passphrase stops the plan with OpenTofu's decryption error; the state is untouched", async () => {
    const before = stateBytes();
    const res = await run({ XIVO_STATE_PASSPHRASE: 'another passphrase of 16+ chars' });
    expect(res.stacks.map((s) => s.result)).toEqual(['failed']);
    expect(JSON.stringify(res.stacks[0])).toMatch(/decryption failed/);
    expect(stateBytes().equals(before)).toBe(true);
  }, 120_000);

  test('a missing passphrase, or Terraform instead of OpenTofu, is refused before anything runs', async () => {
    const before = stateBytes();
    await expect(run({ XIVO_STATE_PASSPHRASE: '' })).rejects.toThrow(
      new StateEncryptionError(
        `${STACK}: backend.encryption reads the passphrase of the states from XIVO_STATE_PASSPHRASE, which is not set: export XIVO_STATE_PASSPHRASE ` +
          '(16 characters or more, the same for every stack of the environment; keep it in your secret store)',
      ),
    );
    await expect(run({ XIVO_TERRAFORM: 'terraform' })).rejects.toThrow(
      `${STACK}: backend.encryption needs OpenTofu (state encryption is OpenTofu's), but deploy runs "terraform": install OpenTofu and run with XIVO_TERRAFORM=tofu, or remove backend.encryption`,
    );
    expect(stateBytes().equals(before)).toBe(true);
  });
});

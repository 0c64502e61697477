/**
 * Where the internal CA's private key can be (issue 9, item 8): in exactly one Terraform state,
 * the XiVO PBX stack's. A value reaches another state only as one of its resources' attributes or
 * through a `terraform_remote_state` read of an output: both are checked for every bundled stack.
 */
import { resources, strings, synthEnvironments, SynthOutput } from '../support/synth';

describe('the internal CA private key lives in one state', () => {
  let synth: SynthOutput;
  beforeAll(() => {
    synth = synthEnvironments();
  });

  const caStacks = () => synth.stacks.filter((s) => resources(synth.json(s), 'tls_self_signed_cert').some(([, c]) => c.is_ca_certificate));

  test('only the PBX stacks have a CA key, and sign with it there', () => {
    expect(caStacks()).toEqual(['lab-allinone', 'prod-pbx', 'sso-pbx']);
    for (const stack of caStacks()) {
      const json = synth.json(stack);
      const [[caKeyId]] = resources(json, 'tls_private_key').filter(([id]) => id.startsWith('InternalCa_key_'));
      const signers = resources(json, 'tls_locally_signed_cert');
      expect(signers.length).toBeGreaterThan(0);
      for (const [, cert] of signers) expect(cert.ca_private_key_pem).toBe(`\${tls_private_key.${caKeyId}.private_key_pem}`);
      // no output carries it
      expect(strings(json.output ?? {}).filter((v) => v.includes(caKeyId))).toEqual([]);
    }
  });

  test('no other stack signs, holds or reads the CA key', () => {
    const others = synth.stacks.filter((s) => !caStacks().includes(s));
    expect(others).toEqual(expect.arrayContaining(['prod-cc-core', 'prod-uc', 'prod-edge', 'sso-cc']));
    for (const stack of others) {
      const json = synth.json(stack);
      expect(resources(json, 'tls_locally_signed_cert')).toEqual([]);
      expect(resources(json, 'tls_private_key').filter(([id]) => id.startsWith('InternalCa'))).toEqual([]);
      expect(strings(json).filter((v) => v.includes('InternalCa_key'))).toEqual([]);
    }
  });

  test('each stack reads from the PBX state its own key only, and certificates', () => {
    for (const stack of synth.stacks) {
      const reads = strings(synth.json(stack).resource ?? {}).flatMap((v) => [...v.matchAll(/cross-stack-output-([\w.-]+)/g)].map((m) => m[1]));
      for (const output of reads.filter((o) => o.includes('private_key'))) {
        expect(output).toMatch(new RegExp(`^tls_private_keyInternalCa_issued_${stack}_\\w+private_key_pem$`));
      }
    }
    expect(
      strings(synth.json('prod-edge').resource).some((v) => v.includes('tls_private_keyInternalCa_issued_prod-edge_edge_nginx_certificate_key')),
    ).toBe(true);
  });
});

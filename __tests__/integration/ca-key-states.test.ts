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

  test('cross-stack outputs carry certificates and CSRs only: no stack reads a key from another', () => {
    for (const stack of synth.stacks) {
      for (const output of Object.values<any>(synth.json(stack).output ?? {})) {
        expect(output.value).toMatch(
          /^\$\{tls_(self_signed_cert|locally_signed_cert)\.\S+\.cert_pem\}$|^\$\{tls_cert_request\.\S+\.cert_request_pem\}$/,
        );
      }
      const reads = strings(synth.json(stack).resource ?? {}).flatMap((v) => [...v.matchAll(/cross-stack-output-([\w.-]+)/g)].map((m) => m[1]));
      expect(reads.filter((o) => /private_key|password|token/.test(o))).toEqual([]);
    }
  });

  test("one owner per private key: the PBX stack holds the CA's and its own, each other server's key is in its key stack only", () => {
    const keys = (stack: string) => resources(synth.json(stack), 'tls_private_key').map(([id]) => id.replace(/_[0-9A-F]{8}$/, ''));
    expect(keys('prod-pbx')).toEqual(['InternalCa_key', 'xivo_tls_cti-certificate_key']);
    expect(keys('prod-cc-core-key')).toEqual(['cc_nginx_certificate_key']);
    expect(keys('prod-uc-key')).toEqual(['ucaddon_nginx_certificate_key']);
    expect(keys('prod-edge-key')).toEqual(['edge_nginx_certificate_key']);
    for (const stack of ['prod-cc-core', 'prod-uc', 'prod-edge', 'prod-mds1', 'sso-cc']) {
      expect(keys(stack)).toEqual([]);
      expect(resources(synth.json(stack), 'tls_cert_request')).toEqual([]);
    }
  });

  test('the edge (DMZ) stack knows no internal secret: no token, no LDAP or xuc password, no key but the one its key stack writes', () => {
    const edge = synth.json('prod-edge');
    expect(Object.keys(edge.variable ?? {})).toEqual([]);
    expect(strings(edge).filter((v) => /var\.|private_key|sensitive\(/.test(v))).toEqual([]);
    expect(Object.keys(edge.data.terraform_remote_state)).toEqual(['cross-stack-reference-input-prod-pbx']);
  });
});

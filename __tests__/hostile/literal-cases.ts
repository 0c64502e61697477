/**
 * Hostile values that are accepted, because they are only text: Terraform template
 * sequences (`${file(...)}`, `%{ for }`, `${var.play_auth_token}`) and their escapes, in
 * every free-text field of an environment file. Each must reach the synthesized JSON as a
 * literal: rendered by Terraform, it is the value as written (proved with the real terraform
 * in conformance/hostile-literals.test.ts).
 */
import { build, containerNamed, envOf, uploadOf, withAuth } from '../support/auth-stack';

/** Values as written in the file. */
export const HOSTILE_VALUES = [
  '${file("/etc/hostname")}',
  '%{ for x in ["a", "b"] }${x}%{ endfor }',
  '${var.play_auth_token}',
  '$${var.play_auth_token}',
  '$$${x}',
  '%%{ if true }x%%{ endif }',
  'unterminated ${ and %{',
  '${jsonencode({a = 1})}',
  '${path.module}/${terraform.workspace}',
  '${data.terraform_remote_state.pbx.outputs.ca_key}',
  '${templatefile("/etc/passwd", {})}',
  '\\${x} and \\\\${y}',
  '$ {x} % {y} $}{ %}{',
  '${local.secret}${self.id}',
  '${env("HOME")}',
  '100% {done} $5 {price} $$ %%',
] as const;

/** Values without spaces, for fields that refuse them (JVM options, URLs, paths). */
export const HOSTILE_WORDS = [
  '${file("/etc/hostname")}',
  '%{for(x)in[1]}${x}%{endfor}',
  '${var.play_auth_token}',
  '$${var.play_auth_token}',
  '$$${x}',
  '%%{if(true)}',
  '${path.module}%{',
  '${TfTokenx}',
] as const;

export interface LiteralCase {
  readonly field: string;
  readonly value: string;
  /** The string as synthesized in cdk.tf.json. */
  readonly synthesized: string;
  /** What Terraform must render it to. */
  readonly expected: string;
}

/** Builds environments holding every hostile value in every free-text field; returns one case per field and value. */
export function buildLiteralCases(): LiteralCase[] {
  const cases: LiteralCase[] = [];

  // Container env: every value at once.
  const env = Object.fromEntries(HOSTILE_VALUES.map((v, i) => [`HOSTILE_${i}`, v]));
  const withEnv = build(withAuth({}, (e) => (e.services = { 'cc.xuc': { env } })));
  const xucEnv = (container: Record<string, any>) => (container.env as string[]).filter((e) => e.startsWith('HOSTILE_'));
  const entries = xucEnv(containerNamed(withEnv.json(withEnv.xuc()), 'xivocc-xuc'));
  HOSTILE_VALUES.forEach((value, i) => {
    cases.push({
      field: 'services.<id>.env.<NAME>',
      value,
      synthesized: entries.find((e) => e.startsWith(`HOSTILE_${i}=`))!,
      expected: `HOSTILE_${i}=${value}`,
    });
  });

  // One environment per word, with the word in every other free-text field.
  for (const value of HOSTILE_WORDS) {
    const built = build(
      withAuth(
        {
          ldap: {
            url: 'ldaps://ldap.example.com:636',
            managerDN: `cn=${value}`,
            searchBase: `ou=${value}`,
            userSearchFilter: `(uid=%s)(x=${value})`,
          },
          cas: { serverUrl: `https://cas.example.com/cas/${value}` },
          oidc: { serverUrl: 'https://id.example.com/realms/x', clientId: 'web', audience: value, usernameField: `u${value}` },
          jvm: { extraOptions: [`-Dhostile=${value}`] },
        },
        (e) => {
          e.services = {
            // Neither containerPath nor an image repository is free text: both are limited (refused-cases.ts, "path limits", "image references").
            'cc.kibana': { volumes: [{ hostPath: `/srv/${value}`, containerPath: '/data/extra' }] },
          };
        },
      ),
    );
    const json = built.json(built.xuc());
    const xuc = containerNamed(json, 'xivocc-xuc');
    const xucVars = envOf(xuc);
    const kibana = containerNamed(json, 'xivocc-kibana');
    const conf = uploadOf(xuc, '/conf/xuc.conf').content as string;
    const line = (key: string) =>
      conf
        .split('\n')
        .find((l) => l.trim().startsWith(`${key} =`))!
        .trim();
    const push = (field: string, synthesized: string, expected: string) => cases.push({ field, value, synthesized, expected });
    push('services.<id>.volumes[].hostPath', kibana.volumes[0].host_path, `/srv/${value}`);
    push('auth.cas.serverUrl', xucVars.CAS_SERVER_URL, `https://cas.example.com/cas/${value}`);
    push('auth.oidc.audience', xucVars.OIDC_AUDIENCE, value);
    push('auth.oidc.usernameField', xucVars.OIDC_USERNAME_FIELD, `u${value}`);
    push(
      'auth.jvm.extraOptions',
      xucVars.JAVA_OPTS.split(' ').find((o) => o.startsWith('-Dhostile='))!,
      `-Dhostile=${value}`,
    );
    push('auth.ldap.managerDN (xuc.conf)', line('managerDN'), `managerDN = ${JSON.stringify(`cn=${value}`)}`);
    push('auth.ldap.searchBase (xuc.conf)', line('searchBase'), `searchBase = ${JSON.stringify(`ou=${value}`)}`);
    push('auth.ldap.userSearchFilter (xuc.conf)', line('userSearchFilter'), `userSearchFilter = ${JSON.stringify(`(uid=%s)(x=${value})`)}`);
  }
  return cases;
}

/**
 * Template sequences Terraform would evaluate in `text`, scanned as HCL does: `$${` and
 * `%%{` are escapes, any other `${` or `%{` starts an interpolation or a directive.
 */
export function liveTemplateSequences(text: string): number[] {
  const live: number[] = [];
  for (let i = 0; i < text.length;) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) i += 3;
    else if (text.startsWith('${', i) || text.startsWith('%{', i)) live.push(i++);
    else i++;
  }
  return live;
}

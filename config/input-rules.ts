/**
 * The rules that keep a hostile or careless environment file from running code, moving a
 * secret or changing the host (issue 9), or from breaking a deploy day with a slip (issue 15),
 * as one table for README.md and docs/environment.md.
 * Built from the messages the code gives, so the documentation says what synth says.
 * `npm run generate` writes it between the markers; a test fails while it is stale.
 */
import { MAX_ENVIRONMENT_BYTES } from './loader';
import { FILE_PATH_MESSAGE, MAX_CERTIFICATE_BYTES, MAX_KEYTAB_BYTES, OUTSIDE_MESSAGE, SECRETS_DIRS_VARIABLE } from './input-files';
import { MESSAGES } from './literal';
import { MAX_UNKNOWN_KEYS } from './messages';
import { HOST_FILE_DIRECTORIES, MOUNT_MESSAGES, SYSTEM_PATHS } from './mounts';
import { MANAGED_XUCMGT_VARIABLES } from '../constructs/xuc/auth-modes';
import { MANAGED_JVM_VARIABLES } from '../constructs/xuc/xuc-defaults';
import { SECRET_MESSAGES } from './rules-secrets';
import { ALLOWED_SSH_OPTIONS, SSH_MESSAGES } from './ssh-options';
import { HYGIENE_MESSAGES } from './yaml-hygiene';
import { Role } from '../catalogue/types';
import { casServerUrlProblem, ldapUrlProblem } from '../constructs/xuc/auth-checks';
import { hostNearMiss } from './host-names';
import { memoryMessage } from './messages';
import { sharedAddressMessage, sharedEngineMessage } from './rules';
import { DEFAULT_ENV_FILES } from './env-files';
import { InternalError } from '../constructs/errors';

export interface InputRule {
  /** What the rule protects against. */
  readonly rule: string;
  /** What synth refuses, with its message. */
  readonly refused: string;
  /** What to write instead. */
  readonly instead: string;
}

const code = (text: string) => `\`${text}\``;

export const INPUT_RULES: readonly InputRule[] = [
  {
    rule: 'every string is a literal',
    refused: `${code('${TfToken[…]}')}, number tokens: ${code(MESSAGES.token)}`,
    instead: `the value itself; ${code('${…}')} and ${code('%{…}')} are accepted and escaped (${code('$${')}, ${code('%%{')}): Terraform renders them as written, never as an expression`,
  },
  {
    rule: 'no silent change of a value',
    refused: `control characters (newline or tab in a URL or key; escape, NUL, CR anywhere): ${code(MESSAGES.control)}; YAML tags: ${code(HYGIENE_MESSAGES.tag('!env'))}; ${code('__proto__')}, ${code('constructor')}, ${code('prototype')} keys`,
    instead: 'the value on one line, without tags; plain keys',
  },
  {
    rule: 'no resource exhaustion',
    refused: `alias bombs: ${code(HYGIENE_MESSAGES.aliases)}; environment files that are not regular files or exceed ${MAX_ENVIRONMENT_BYTES / 1024} KiB; more than ${MAX_UNKNOWN_KEYS} unknown keys are counted, not listed`,
    instead: 'a regular YAML file',
  },
  {
    rule: 'ssh runs nothing on the machine that plans',
    refused: `any ${code('docker.sshOpts')} item outside the allow-list, e.g. ${code('-o ProxyCommand=…')}: ${code(SSH_MESSAGES.option('ProxyCommand'))}`,
    instead: `${code('-i FILE')}, ${code('-p PORT')}, ${code('-J [user@]host[:port]')}, ${code('-o')} with ${Object.keys(ALLOWED_SSH_OPTIONS).map(code).join(', ')}`,
  },
  {
    rule: 'bind mounts do not reach the host system',
    refused: `${code('hostPath')} under ${SYSTEM_PATHS.map(code).join(', ')}: ${code(MOUNT_MESSAGES.system('/etc', '/etc'))}; under or above ${HOST_FILE_DIRECTORIES.map(code).join(', ')} (always); ${code('..')}; a ${code('containerPath')} over a file delivered into the container or over a catalogue volume`,
    instead: `a directory of its own (${code('/srv/<service>')}); ${code('allowSystemPath: true')} accepts a system path with a warning at synth. Host-path mounts are read-only unless ${code('readOnly: false')}`,
  },
  {
    rule: 'no literal secret',
    refused: `env names and ${code('-D')} flags matching password, passwd, pwd, passphrase, secret, token, private key, API key, credential (any case): ${code(SECRET_MESSAGES.envName('DB_PASSWORD', 'cc.xuc'))}`,
    instead: 'the Terraform variables the project declares, or a file on the host mounted read-only',
  },
  {
    rule: 'no secret in a URL',
    refused: `user info in ${code('auth.ldap.url')}, ${code('auth.cas.serverUrl')}, ${code('auth.oidc.serverUrl')}, ${code('backend.address')}: ${code(SECRET_MESSAGES.userInfo('…'))}`,
    instead: `${code('auth.ldap.managerDN')} + ${code('TF_VAR_ldap_manager_password')}; ${code('TF_HTTP_USERNAME')}/${code('TF_HTTP_PASSWORD')} for the http backend`,
  },
  {
    rule: 'composed flags and variables stay composed',
    refused: `${code('-Dsecured.krb5.*')}, ${code('-Djavax.net.ssl.trustStore*')} in ${code('auth.jvm.extraOptions')}: ${code(SECRET_MESSAGES.jvmKerberos('secured.krb5.keyTab'))}; ${[...MANAGED_JVM_VARIABLES].map(code).join(', ')} on xuc and ${[...MANAGED_XUCMGT_VARIABLES].map(code).join(', ')} on xuc and xucmgt alike (besides ${code('JAVA_OPTS')}, ${code('CAS_*')}, ${code('OIDC_*')}, …)`,
    instead: `${code('auth.kerberos')}, ${code('auth.ldap.caFile')}, ${code('auth.jvm')}`,
  },
  {
    rule: 'files stay where the environment lives',
    refused: `keytab, CA, provided certificates and keys, Docker TLS files, ${code('backend.directory')} resolving (after symbolic links) elsewhere: ${code(OUTSIDE_MESSAGE('../../etc/passwd'))}; paths with quotes, backslashes or templates: ${code(FILE_PATH_MESSAGE)}`,
    instead: `files next to the environment file, or a directory listed in ${code(SECRETS_DIRS_VARIABLE)} (colon-separated) by whoever runs synth`,
  },
  {
    rule: 'files read at synth are small regular files',
    refused: `directories, FIFOs, devices; certificates, chains and keys over ${MAX_CERTIFICATE_BYTES / 1024} KiB; keytabs over ${MAX_KEYTAB_BYTES / 1024} KiB (checked when present)`,
    instead:
      'the PEM or keytab file itself. The provided private key is read at synth only to check that it matches its certificate; it is never written to cdktf.out',
  },
  {
    rule: 'one Docker engine, one spelling',
    refused: `two servers on ${code('ssh://deploy@h')} and ${code('ssh://root@h:22')}, or ${code('unix:///run/docker.sock')} and ${code('unix:///var/run/docker.sock')}, using the same port or host file`,
    instead:
      'put the roles on different Docker hosts or publish on other ports (hosts compare without the user, with the default port, case-insensitively)',
  },
  {
    rule: 'one machine, one address; an MDS and the edge on an engine of their own',
    refused: `two servers on different Docker hosts with one ${code('address')} (or ${code('fqdn')}): ${code(sharedAddressMessage('10.0.0.10', 'address', 'pbx', 0))}; a server on the Docker engine of another when either has role ${code('mds')} or ${code('edge')}: ${code(sharedEngineMessage('ssh://root@10.0.0.10:22', 'mds1', 'pbx', 0, Role.MDS, 'mds1'))}`,
    instead: `each machine its own address and Docker host; a XiVO CC or UC-Addon server may share the PBX's engine (XiVO's own ports are checked), never another CC or UC-Addon server's (both write ${code('/etc/docker/compose/custom.env')}); or one server entry listing the roles, as ${code('lab')} does`,
  },
  {
    rule: 'addresses and names are what they look like',
    refused: `${code('10.40.0.330')}: ${code(hostNearMiss('10.40.0.330')!)}; leading zeros (${code('10.040.0.1')}), a URL or a port where a name goes, a trailing dot: ${code(hostNearMiss('cc.example.com.')!)}`,
    instead: 'the bare IPv4 address or DNS name',
  },
  {
    rule: 'values in the unit and form their program reads',
    refused: `${code('memoryMb: 4G')}: ${code(memoryMessage('4G')!)}, and ${code('memoryMb: 8')} (GiB meant); JVM sizes like ${code('4GB')}; ${code(ldapUrlProblem('ldaps://ldap.example.com:389')!)}, and ldap:// on 636; a CAS URL ending in an endpoint: ${code(casServerUrlProblem('https://cas.example.com/cas/login')!)}, an OIDC discovery or endpoint URL; an ${code('sshOpts')} item holding a flag and its value: ${code(SSH_MESSAGES.joined('-i', '~/.ssh/key'))}, or spaces around a value`,
    instead: 'what the message says',
  },
  {
    rule: 'nothing written twice',
    refused: `a duplicated YAML key: ${code(HYGIENE_MESSAGES.duplicateKey(6, 9))}; a role, service, extra name, exempt network, KDC or client id listed twice`,
    instead: 'each key and item once',
  },
  {
    rule: 'every environment file is read, or named',
    refused: `nothing: ${DEFAULT_ENV_FILES.split(',').map(code).join(' and ')} are read by default, and a file that looks like an environment but is not selected (${code('prod.YAML')}) is named on stderr: ${code('warning: environments/prod.YAML: not read: …')}`,
    instead: `${code('.yaml')} or ${code('.yml')}, or list the file in ${code('XIVO_ENV_FILES')}`,
  },
  {
    rule: 'messages say what to write',
    refused: `a value of the wrong type is reported with the type found (${code('release: 2024.10')}: ${code('must be a string but is a number (2024.10): quote it, "2024.10"')}); misspelt keys and values get "did you mean" (${code('ldpa')} → ${code('ldap')}, role ${code('pbxx')} → ${code('xivo')})`,
    instead: 'what the message says',
  },
];

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The rules as a Markdown table. */
export function inputRulesMarkdown(): string {
  return [
    '| rule | refused (message) | write instead |',
    '|---|---|---|',
    ...INPUT_RULES.map((r) => `| ${cell(r.rule)} | ${cell(r.refused)} | ${cell(r.instead)} |`),
  ].join('\n');
}

export const INPUT_RULES_BEGIN = '<!-- input-rules: generated from config/input-rules.ts by `npm run generate`; do not edit -->';
export const INPUT_RULES_END = '<!-- input-rules: end -->';
/** Files holding the generated table. */
export const INPUT_RULES_DOCS = ['README.md', 'docs/environment.md'] as const;

/** `text` with the generated section replaced by the current table. */
export function withInputRules(text: string): string {
  const begin = text.indexOf(INPUT_RULES_BEGIN);
  const end = text.indexOf(INPUT_RULES_END);
  if (begin < 0 || end < begin)
    throw new InternalError(`the markers of the input rules are missing: add ${INPUT_RULES_BEGIN} and ${INPUT_RULES_END}`);
  return `${text.slice(0, begin)}${INPUT_RULES_BEGIN}\n${inputRulesMarkdown()}\n${text.slice(end)}`;
}

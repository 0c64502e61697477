/**
 * `docker.sshOpts` are passed to ssh on the machine that runs `cdktf diff`, a CI runner that
 * holds every deploy secret: options that run a command (ProxyCommand, LocalCommand,
 * KnownHostsCommand, Match exec) or read another configuration (-F, Include) would run the
 * file's author's code there. Only an allow-list passes.
 */

/** Flags that take a value, with what the value may be. */
const PATH = /^(?!-)[^\s"'`$;|&<>\\]+$/;
const FLAGS: Readonly<Record<string, { what: string; valid: RegExp }>> = {
  '-i': { what: 'an identity file path', valid: PATH },
  '-p': { what: 'a port number', valid: /^\d{1,5}$/ },
  '-J': {
    what: 'a jump host [user@]host[:port]',
    valid: /^([A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+(:\d{1,5})?(,([A-Za-z0-9._-]+@)?[A-Za-z0-9.-]+(:\d{1,5})?)*$/,
  },
  '-o': { what: 'Option=value', valid: /^.*$/ },
};

/** `-o` options that configure the connection without running anything; value checks. */
export const ALLOWED_SSH_OPTIONS: Readonly<Record<string, RegExp>> = {
  StrictHostKeyChecking: /^(yes|no|ask|accept-new|off)$/i,
  UserKnownHostsFile: PATH,
  ConnectTimeout: /^\d{1,5}$/,
  ServerAliveInterval: /^\d{1,5}$/,
  ServerAliveCountMax: /^\d{1,5}$/,
  IdentitiesOnly: /^(yes|no)$/i,
  IdentityFile: PATH,
  Port: /^\d{1,5}$/,
  ProxyJump: FLAGS['-J'].valid,
};

const OPTION_NAMES = Object.keys(ALLOWED_SSH_OPTIONS);
const ALLOWED_LIST = `-i FILE, -p PORT, -J HOST, -o with ${OPTION_NAMES.join(', ')}`;

export const SSH_MESSAGES = {
  flag: (flag: string) => `"${flag}" is not an allowed ssh option (ssh runs on the machine that plans, with its secrets): use only ${ALLOWED_LIST}`,
  option: (name: string) =>
    `-o ${name} is not allowed (it can run a command or load other configuration on the machine that plans): use only ${OPTION_NAMES.join(', ')}`,
  missingValue: (flag: string): string =>
    `"${flag}" needs a value as the next item, e.g. ["${flag}", "${flag === '-p' ? '2222' : flag === '-o' ? 'ConnectTimeout=10' : '...'}"]`,
  badValue: (_flag: string, what: string) => `is not ${what}: write it without spaces, quotes, "$" or shell characters`,
  joined: (flag: string, value: string) =>
    `holds the flag ${flag} and its value in one item: ssh would get them as one argument and read the value with a leading space (${JSON.stringify(` ${value}`)}), ${
      flag === '-i' ? 'a file that does not exist, and go on without the key' : 'which is not what you wrote'
    }; write two items: "${flag}", ${JSON.stringify(value)}`,
  spaces: (item: string) => `has spaces around it, which ssh would keep as part of the value: write ${JSON.stringify(item.trim())}`,
} as const;

export interface SshOptionProblem {
  /** Index in the sshOpts list. */
  readonly index: number;
  readonly message: string;
}

/** `-o Name=value` or `-o "Name value"`: the option's problem, if any. */
function optionProblem(option: string): string | undefined {
  const match = /^([A-Za-z0-9]+)(?:\s*=\s*|\s+)(.*)$/s.exec(option.trim());
  if (!match) return SSH_MESSAGES.badValue('-o', 'Option=value (e.g. ConnectTimeout=10)');
  const name = OPTION_NAMES.find((n) => n.toLowerCase() === match[1].toLowerCase());
  if (!name) return SSH_MESSAGES.option(match[1]);
  return ALLOWED_SSH_OPTIONS[name].test(match[2]) ? undefined : SSH_MESSAGES.badValue('-o', `a valid ${name} value`);
}

/** Problems of an sshOpts list, by index. Each item is checked exactly as it is written into the stack. */
export function sshOptionProblems(options: readonly string[]): SshOptionProblem[] {
  const problems: SshOptionProblem[] = [];
  for (let i = 0; i < options.length; i++) {
    const item = options[i];
    if (item !== item.trim()) {
      problems.push({ index: i, message: SSH_MESSAGES.spaces(item) });
      // " -p" still takes the next item as its value.
      if (FLAGS[item.trim()]) i++;
      continue;
    }
    const flag = item.slice(0, 2);
    const spec = FLAGS[flag];
    if (!spec || !item.startsWith('-')) {
      problems.push({ index: i, message: SSH_MESSAGES.flag(item.length > 40 ? `${item.slice(0, 40)}…` : item) });
      continue;
    }
    const joined = /^-[A-Za-z]\s+(\S.*)$/s.exec(item);
    if (joined) {
      problems.push({ index: i, message: SSH_MESSAGES.joined(flag, joined[1]) });
      continue;
    }
    let value = item.slice(2);
    let at = i;
    if (!value) {
      if (i + 1 >= options.length) {
        problems.push({ index: i, message: SSH_MESSAGES.missingValue(flag) });
        continue;
      }
      value = options[++i];
      at = i;
      if (value !== value.trim()) {
        problems.push({ index: at, message: SSH_MESSAGES.spaces(value) });
        continue;
      }
    }
    const problem = flag === '-o' ? optionProblem(value) : spec.valid.test(value) ? undefined : SSH_MESSAGES.badValue(flag, spec.what);
    if (problem) problems.push({ index: at, message: problem });
  }
  return problems;
}

/**
 * The jump hosts ssh goes through (`-J a,b` or `-o ProxyJump=a,b`; as in ssh, the first value
 * given is the one used), in order: `[user@]host[:port]` each. Empty without ProxyJump, or `none`.
 */
export function proxyJumps(options: readonly string[]): string[] {
  for (let i = 0; i < options.length; i++) {
    const item = options[i];
    let value: string | undefined;
    if (item.startsWith('-J')) value = item.length > 2 ? item.slice(2) : options[++i];
    else if (item.startsWith('-o')) {
      const option = item.length > 2 ? item.slice(2) : options[++i];
      const match = /^\s*proxyjump(?:\s*=\s*|\s+)(.*)$/i.exec(option ?? '');
      value = match?.[1];
    }
    if (value !== undefined)
      return value.trim().toLowerCase() === 'none'
        ? []
        : value
            .split(',')
            .map((j) => j.trim())
            .filter(Boolean);
  }
  return [];
}

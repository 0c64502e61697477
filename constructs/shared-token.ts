/**
 * SharedToken: the one source of `PLAY_AUTH_TOKEN` for an environment (XiVO "API Security: Shared token").
 *
 * The token must be identical on XiVO, every MDS, every XiVO CC server and the UC-Addon.
 * Every stack of an environment declares the same sensitive Terraform variable, so one
 * `TF_VAR_play_auth_token` given at plan time reaches every server; the value never
 * appears in `cdktf.out`. Synth fails if any container or host file of a stack sets
 * `PLAY_AUTH_TOKEN` to anything else: in every stack that holds one of our constructs
 * (guardSharedToken: XivoServer, ServiceContainer, EnvFileKeys and HostFile each register it),
 * also when the stack holds no SharedToken (then every `PLAY_AUTH_TOKEN=` is foreign).
 *
 * Rotation: export a new `TF_VAR_play_auth_token`, then deploy every stack of the environment.
 */
import { Construct, IConstruct } from 'constructs';
import { Container, TerraformStack, TerraformVariable } from './terraform-cdk';
import { synthesizedValue } from './synthesized-value';

/** Characters safe in an env file, a docker env entry, a URL query string and a header. */
export const TOKEN_CHARSET = 'A-Za-z0-9._~-';
export const TOKEN_MIN_LENGTH = 32;

export class SharedToken extends Construct {
  /** Terraform variable name, the same in every stack: set `TF_VAR_play_auth_token`. */
  static readonly VARIABLE_NAME = 'play_auth_token';
  /** Name of the environment variable the XiVO components read. */
  static readonly ENV_NAME = 'PLAY_AUTH_TOKEN';

  /** The SharedToken of the stack containing `scope`, created on first use. */
  static of(scope: IConstruct): SharedToken {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(SHARED_TOKEN_ID);
    return (existing as SharedToken | undefined) ?? new SharedToken(stack);
  }

  /** The token as a Terraform reference (`${var.play_auth_token}`); never a literal. */
  readonly value: string;
  private readonly variable: TerraformVariable;

  private constructor(stack: TerraformStack) {
    super(stack, SHARED_TOKEN_ID);
    this.variable = new TerraformVariable(stack, SharedToken.VARIABLE_NAME, {
      type: 'string',
      sensitive: true,
      nullable: false,
      description:
        'PLAY_AUTH_TOKEN shared by every XiVO component of the environment (XiVO "API Security: Shared token"). Set TF_VAR_play_auth_token; ' +
        'the same value for every stack. Generate one with: openssl rand -hex 32',
      validation: [
        {
          condition: `\${length(var.${SharedToken.VARIABLE_NAME}) >= ${TOKEN_MIN_LENGTH}}`,
          errorMessage: `play_auth_token must be at least ${TOKEN_MIN_LENGTH} characters long (openssl rand -hex 32).`,
        },
        {
          condition: `\${can(regex("^[${TOKEN_CHARSET}]+$", var.${SharedToken.VARIABLE_NAME}))}`,
          errorMessage: `play_auth_token may only contain letters, digits and . _ ~ - (it is written into env files and URLs).`,
        },
      ],
    });
    this.value = this.variable.stringValue;
    guardSharedToken(stack);
  }

  /** `PLAY_AUTH_TOKEN=<reference>`, for env lists and env files. */
  get envEntry(): string {
    return `${SharedToken.ENV_NAME}=${this.value}`;
  }
}

const SHARED_TOKEN_ID = 'SharedToken';
const GUARDED = new WeakSet<TerraformStack>();

/**
 * Registers, once per stack, the check that every `PLAY_AUTH_TOKEN=` of a container's env or of
 * an uploaded file (an env file, EnvFileKeys' values) is the stack's SharedToken; in a stack
 * without one, every such line is refused.
 */
export function guardSharedToken(scope: IConstruct): void {
  const stack = TerraformStack.of(scope);
  if (GUARDED.has(stack)) return;
  GUARDED.add(stack);
  stack.node.addValidation({ validate: () => findForeignTokens(stack) });
}

/** Every `PLAY_AUTH_TOKEN=` in container env or uploaded files must be the stack's SharedToken. */
function findForeignTokens(stack: TerraformStack): string[] {
  // Env and uploads are rendered lazily (ServiceContainer): compared as synth writes them, `${var.play_auth_token}`.
  const resolve = (value: unknown) => synthesizedValue(stack, value);
  const token = stack.node.tryFindChild(SHARED_TOKEN_ID) as SharedToken | undefined;
  const expected = token ? (resolve(token.value) as string) : undefined;
  const errors: string[] = [];
  const check = (text: unknown, where: string) => {
    if (typeof text !== 'string') return;
    for (const match of text.matchAll(/^PLAY_AUTH_TOKEN=(.*)$/gm)) {
      if (match[1] !== expected) {
        errors.push(`${where} sets PLAY_AUTH_TOKEN without SharedToken: use SharedToken.of(this).envEntry (found "${match[1].slice(0, 3)}…")`);
      }
    }
  };
  for (const c of stack.node.findAll()) {
    if (!(c instanceof Container)) continue;
    for (const entry of (resolve(c.envInput) as string[] | undefined) ?? []) check(entry, c.node.path);
    for (const upload of (resolve(c.uploadInput) as { content?: string }[] | undefined) ?? []) check(upload.content, c.node.path);
  }
  return errors;
}

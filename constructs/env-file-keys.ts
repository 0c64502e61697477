/**
 * EnvFileKeys: the keys xivo-cdktf manages in an env file that XiVO's installers also write
 * (`/etc/docker/xivo/custom.env`, `/etc/docker/mds/custom.env`, `/etc/docker/compose/custom.env`),
 * updated key by key, never overwritten whole: XiVO's install script appends
 * `USM_BACKEND_TOKEN` to the PBX's file and the CC installer writes `XUC_HOST`; operators add
 * their own keys.
 *
 * How: a one-shot job container of the helper image (busybox), the file's directory
 * bind-mounted, runs ENV_FILE_KEYS_SCRIPT once on the host (see there: backup, atomic
 * rename, 0600, sidecar list of the keys we added, factory.env refused). The managed values
 * are an uploaded file, so secrets (`${var.play_auth_token}`) are rendered by Terraform at
 * apply and never appear in cdk.tf.json, a label or a command line. Every attribute of the
 * job forces replacement: a changed value changes the upload and reruns the job; unchanged
 * values plan no change and the job does not run. A failed run fails the apply
 * (postcondition on the exit code).
 */
import * as path from 'path';
import { Construct } from 'constructs';
import { Container, Lazy } from './terraform-cdk';
import { HOST_FILE_HELPER_IMAGE } from '../catalogue/services';
import { ValidationError } from './errors';
import { ENV_FILE_KEYS_SCRIPT } from './env-file-keys-script';
import { assertHostFilePath, helperImage, hostPathSlug } from './host-file';
import { envList, labelList } from './labels';
import { guardSharedToken } from './shared-token';

/** Where the job finds its inputs. */
export const JOB_DIR = '/xivo-cdktf';
export const JOB_SCRIPT = `${JOB_DIR}/update-env-file.sh`;
export const JOB_VALUES = `${JOB_DIR}/managed.env`;
/** Label value of `org.xivo.job` on the job container. */
const ENV_FILE_JOB = 'env-file-keys';

const KEY = /^[A-Za-z_][A-Za-z0-9_.]*$/;

export interface EnvFileKeysProps {
  /** Absolute path of the env file on the Docker host. Never `factory.env`. */
  readonly path: string;
  /**
   * The keys to manage and their values. Values may hold Terraform references (a sensitive
   * variable): they are rendered at apply, inside an uploaded file. No newline in a value. A
   * function is called when the stack is synthesized (values read on the platform, as a
   * XivoServer's role file from the catalogue).
   */
  readonly values: Readonly<Record<string, string>> | (() => Readonly<Record<string, string>>);
  /** Labels of the job container (environment, server...). @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Image of the job: must provide busybox's sh, awk, cmp, cat, touch, mv, chmod and date. @default catalogue HOST_FILE_HELPER_IMAGE */
  readonly helperImage?: string;
}

export class EnvFileKeys extends Construct {
  /** Docker container name of the job for a host path: `xivo-env-etc-docker-xivo-custom.env`. */
  static containerName(hostPath: string): string {
    return `xivo-env-${hostPathSlug(hostPath)}`;
  }

  readonly path: string;
  readonly job: Container;
  private readonly values: () => Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: EnvFileKeysProps) {
    super(scope, id);
    guardSharedToken(this);
    assertHostFilePath(this, props.path);
    if (path.posix.basename(props.path) === 'factory.env') {
      throw new ValidationError(`${props.path} holds XiVO's factory defaults and must never be edited: manage keys in custom.env next to it`, this);
    }
    const values = props.values;
    this.values = typeof values === 'function' ? values : () => values;
    // Given values are checked now; values read on the platform when the file is rendered.
    if (typeof values !== 'function') this.checkedValues();

    this.path = props.path;
    const image = helperImage(this, props.helperImage ?? HOST_FILE_HELPER_IMAGE);
    const name = EnvFileKeys.containerName(props.path);
    this.job = new Container(this, 'job', {
      name,
      image: image.imageId,
      entrypoint: ['/bin/sh', JOB_SCRIPT, `/host/${path.posix.basename(props.path)}`, JOB_VALUES],
      user: '0',
      networkMode: 'none',
      // Root for the file's owner and mode bits only: no capability (no DAC override, no mount, no
      // raw socket) and no gain of privileges, whatever the helper image holds.
      capabilities: { drop: ['ALL'] },
      securityOpts: ['no-new-privileges'],
      attach: true,
      mustRun: false,
      // A job: it must not be restarted when the script exits.
      restart: 'no',
      labels: labelList({ ...props.labels, 'org.xivo.host-file': props.path, 'org.xivo.job': ENV_FILE_JOB }),
      volumes: [{ hostPath: path.posix.dirname(props.path), containerPath: '/host' }],
      upload: [
        { file: JOB_VALUES, content: Lazy.stringValue({ produce: () => this.valuesFile }), permissions: '0600' },
        { file: JOB_SCRIPT, content: ENV_FILE_KEYS_SCRIPT, permissions: '0755' },
      ],
      lifecycle: {
        postcondition: [
          {
            condition: '${self.exit_code == 0}',
            errorMessage: `${props.path}: the job updating the managed keys failed; see docker logs ${name}`,
          },
        ],
      },
    });
  }

  /** Content of the uploaded values file (`KEY=VALUE` lines, sorted by key), as synth renders it. */
  get valuesFile(): string {
    return `${envList(this.checkedValues()).join('\n')}\n`;
  }

  private checkedValues(): Readonly<Record<string, string>> {
    const values = this.values();
    const keys = Object.keys(values);
    if (keys.length === 0) throw new ValidationError(`give at least one key to manage`, this);
    const badKey = keys.find((k) => !KEY.test(k));
    if (badKey !== undefined)
      throw new ValidationError(`"${badKey}" is not an env file key (letters, digits, '_' and '.', not starting with a digit)`, this);
    const badValue = keys.find((k) => /[\r\n]/.test(values[k]));
    if (badValue !== undefined)
      throw new ValidationError(`the value of ${badValue} contains a line break: an env file holds one KEY=VALUE per line`, this);
    return values;
  }
}

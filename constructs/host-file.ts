/**
 * HostFile: a file written on the Docker host itself (e.g. `/etc/docker/xivo/custom.env`)
 * through the Docker API alone, so it works over `ssh://` and `tcp://` as well as locally.
 *
 * How: a helper container that is created but never started, with the file's directory
 * bind-mounted, and the file uploaded into the mount: Docker writes it on the host.
 * Changing the content replaces the helper container, which rewrites the file.
 */
import * as path from 'path';
import { Construct, IConstruct } from 'constructs';
import { Annotations, Container, Image, TerraformStack } from './terraform-cdk';
import { DIGEST_PINNED_REFERENCE, HOST_FILE_HELPER_IMAGE } from '../catalogue/services';
import { ValidationError } from './errors';
import { labelList } from './labels';
import { guardSharedToken } from './shared-token';

export interface HostFileProps {
  /** Absolute path of the file on the Docker host. */
  readonly path: string;
  /**
   * Text content. May hold Terraform references (variables, `file()`): secrets then stay out
   * of `cdktf.out`. Give exactly one of `content` and `contentBase64`.
   * @default none: give `contentBase64`
   */
  readonly content?: string;
  /** Binary content as base64 (e.g. `PlanTimeFile.base64()` of a keytab). @default none: give `content` */
  readonly contentBase64?: string;
  /** Octal mode of the file. @default '0600' (these files hold secrets) */
  readonly permissions?: string;
  /** Labels of the helper container (environment, server...). @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Image of the helper container; must provide nothing but a filesystem. @default catalogue HOST_FILE_HELPER_IMAGE */
  readonly helperImage?: string;
  /**
   * Docker name of the helper container: another stack writing the same path (a key stack taking a
   * file over from its server's stack) needs its own, or the two helpers would collide while both exist.
   * @default HostFile.containerName(path)
   */
  readonly containerName?: string;
}

export class HostFile extends Construct {
  /** Docker container name of the helper for a host path: `xivo-file-etc-docker-xivo-custom.env`. */
  static containerName(hostPath: string): string {
    return `xivo-file-${hostPathSlug(hostPath)}`;
  }

  readonly path: string;
  readonly container: Container;

  constructor(scope: Construct, id: string, props: HostFileProps) {
    super(scope, id);
    guardSharedToken(this);
    assertHostFilePath(this, props.path);
    if ((props.content === undefined) === (props.contentBase64 === undefined)) {
      throw new ValidationError(`give exactly one of content and contentBase64`, this);
    }
    if ((props.content ?? props.contentBase64) === '') {
      throw new ValidationError(`content must not be empty (the Docker provider rejects an empty upload)`, this);
    }
    const permissions = props.permissions ?? '0600';
    if (!/^0[0-7]{3}$/.test(permissions)) {
      throw new ValidationError(`permissions "${permissions}" must be an octal mode like "0600"`, this);
    }
    this.path = props.path;
    const image = helperImage(this, props.helperImage ?? HOST_FILE_HELPER_IMAGE);
    this.container = new Container(this, 'writer', {
      name: props.containerName ?? HostFile.containerName(props.path),
      image: image.imageId,
      start: false,
      mustRun: false,
      labels: labelList({ ...props.labels, 'org.xivo.host-file': props.path }),
      volumes: [{ hostPath: path.posix.dirname(props.path), containerPath: '/host' }],
      upload: [
        {
          file: `/host/${path.posix.basename(props.path)}`,
          content: props.content,
          contentBase64: props.contentBase64,
          permissions,
        },
      ],
    });
  }
}

/** Throws a ValidationError of `scope` unless `hostPath` is an absolute file path (what a bind-mounted directory + file name need). */
export function assertHostFilePath(scope: IConstruct, hostPath: string): void {
  if (!path.posix.isAbsolute(hostPath) || hostPath.endsWith('/')) {
    throw new ValidationError(`path "${hostPath}" must be an absolute file path on the Docker host`, scope);
  }
}

/** Docker-safe name of a host path: `etc-docker-xivo-custom.env`. */
export function hostPathSlug(hostPath: string): string {
  return hostPath.replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]+/g, '-');
}

/** One helper image resource per stack and image name (HostFile writers, EnvFileKeys jobs). */
export function helperImage(scope: IConstruct, name: string): Image {
  const stack = TerraformStack.of(scope);
  // A digest is named by its first 12 digits, as `docker images` shows image ids.
  const id = `host-file-helper-${name.replace(/@sha256:([0-9a-f]{12})[0-9a-f]{52}$/, '-$1').replace(/[^A-Za-z0-9]+/g, '-')}`;
  const existing = stack.node.tryFindChild(id) as Image | undefined;
  if (existing) return existing;
  const image = new Image(stack, id, { name, keepLocally: true });
  if (!DIGEST_PINNED_REFERENCE.test(name)) Annotations.of(image).addWarning(unpinnedHelperWarning(name));
  return image;
}

/** Warning for a helper image named by a tag: its jobs run as root on the host. */
const unpinnedHelperWarning = (name: string) =>
  `helper image ${name} is not pinned by digest: whoever can move its tag chooses what runs as root on the host; write <name>@sha256:<digest>, or name an image you build`;

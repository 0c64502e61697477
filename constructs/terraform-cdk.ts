/**
 * The one module that imports CDK for Terraform (`cdktf`) and the provider bindings: every other
 * module, the tests included, takes them from here (dependency-cruiser rule one-cdk-module). A move
 * to another CDK for Terraform (CDK Terrain, `cdktn`) changes this file and package.json only.
 *
 * What the library needs of it, and no more: the app, stacks, tokens and functions, the backends,
 * and the resources of the three providers it deploys with (kreuzwerker/docker, hashicorp/tls,
 * hashicorp/local).
 */
import { createRequire } from 'module';

export {
  AnnotationMetadataEntryType,
  Annotations,
  App,
  Aspects,
  DataResource,
  DefaultTokenResolver,
  dependable,
  Fn,
  HttpBackend,
  Lazy,
  LazyBase,
  LocalBackend,
  PgBackend,
  S3Backend,
  StringConcat,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Testing,
  Token,
  Tokenization,
} from 'cdktf';
export type { IResolvable, IResolveContext, PgBackendConfig } from 'cdktf';
// Not re-exported by cdktf's index: the class its binary probes (`terraform version`) are made of,
// which constructs/terraform-version.ts keeps from being registered.
export { ValidateBinaryVersion } from 'cdktf/lib/validations/validate-binary-version';

export { Container, containerUploadToTerraform, containerVolumesToTerraform } from '@cdktf/provider-docker/lib/container';
export type { ContainerUpload, ContainerVolumes } from '@cdktf/provider-docker/lib/container';
export { Image } from '@cdktf/provider-docker/lib/image';
export { Network } from '@cdktf/provider-docker/lib/network';
export { DockerProvider } from '@cdktf/provider-docker/lib/provider';
export { Volume } from '@cdktf/provider-docker/lib/volume';

export { CertRequest } from '@cdktf/provider-tls/lib/cert-request';
export { LocallySignedCert } from '@cdktf/provider-tls/lib/locally-signed-cert';
export { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
export { TlsProvider } from '@cdktf/provider-tls/lib/provider';
export { SelfSignedCert } from '@cdktf/provider-tls/lib/self-signed-cert';

export { File } from '@cdktf/provider-local/lib/file';
export { LocalProvider } from '@cdktf/provider-local/lib/provider';

/**
 * The module that captures a stack trace for every token the CDK creates, only to decorate a later
 * resolution error: synth replaces its `captureStackTrace` (synth/token-stack-traces.ts), and the
 * Jest configuration maps it to a stub (package.json).
 */
export const TOKEN_STACK_TRACE_MODULE = 'cdktf/lib/tokens/private/stack-trace';

/* eslint-disable jsdoc/check-tag-names -- @public tells knip that a lazy require() uses it */
/**
 * The JSON serializer the CDK writes manifest.json with (sorted keys, its own spacing): the synth
 * cache merges manifests with it, so that a cached synth equals a full one byte for byte.
 * @public synth/synth-cache.ts requires this module lazily (its fast path loads no CDK module), where knip cannot see it
 */
/* eslint-enable jsdoc/check-tag-names */
export function manifestStringify(value: unknown): string {
  // The CDK's own copy, resolved from the CDK's directory: not a dependency of ours.
  const stringify = createRequire(require.resolve('cdktf'))('json-stable-stringify') as (value: unknown, options: { space: number }) => string;
  return stringify(value, { space: 2 });
}

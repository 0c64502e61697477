/**
 * Which attribute changes force a resource to be replaced, per resource type, for the pinned
 * providers: kreuzwerker/docker 3.6.2, hashicorp/tls 4.1.0, hashicorp/local 2.6.1.
 *
 * Sources (each entry below names its own):
 * - [docker-src] kreuzwerker/terraform-provider-docker internal/provider/resource_docker_<type>.go,
 *   `ForceNew: true` on the top-level schema attribute. Read in the Go module of a later
 *   release (v4.6-era, module cache), cross-checked against the 3.6.2 schema that the cdktf
 *   binding @cdktf/provider-docker 12.0.3 was generated from (attribute set).
 * - [tls-src] hashicorp/terraform-provider-tls v4.1.0 (commit eefba144) internal/provider/
 *   resource_*.go: `RequiresReplace()` plan modifiers and `requireReplaceIfStateContainsPEMString`.
 * - [local-doc] hashicorp/local 2.6.1 `local_file` documentation: every argument forces a new
 *   resource (the resource has no update).
 * - [terraform-doc] Terraform's built-in `terraform_data` (documentation of the resource):
 *   a change of `triggers_replace` replaces it, of `input` updates it.
 *
 * An attribute missing from its table is assumed to force replacement (the safe answer for a
 * tool that decides maintenance windows), and the report says it was assumed.
 * The real-deploy e2e suite reads this table to check it against real plans.
 */

export interface ResourceTypeRules {
  /** Provider and source the rules were read from. */
  readonly source: string;
  /** Arguments whose change replaces the resource. */
  readonly forceNew: readonly string[];
  /** Arguments updated in place. */
  readonly inPlace: readonly string[];
}

/** Terraform meta-arguments and cdktf metadata: never a change of the real object. */
export const META_ARGUMENTS: ReadonlySet<string> = new Set([
  '//',
  'depends_on',
  'lifecycle',
  'provider',
  'count',
  'for_each',
  'connection',
  'provisioner',
  'timeouts',
]);

const DOCKER = 'kreuzwerker/docker 3.6.2 [docker-src]';
const TLS = 'hashicorp/tls 4.1.0 [tls-src]';

export const REPLACEMENT_TABLE: Readonly<Record<string, ResourceTypeRules>> = {
  // [docker-src] resource_docker_container.go. `check`-free attributes such as rm, start, must_run,
  // restart, memory… have no ForceNew; everything describing the container's creation has.
  docker_container: {
    source: DOCKER,
    forceNew: [
      'name',
      'image',
      'read_only',
      'hostname',
      'domainname',
      'command',
      'entrypoint',
      'user',
      'dns',
      'dns_opts',
      'dns_search',
      'publish_all_ports',
      'working_dir',
      'capabilities',
      'security_opts',
      'runtime',
      'stop_signal',
      'stop_timeout',
      'mounts',
      'volumes',
      'ports',
      'host',
      'ulimit',
      'env',
      'privileged',
      'devices',
      'labels',
      'shm_size',
      'log_driver',
      'log_opts',
      'network_mode',
      'networks_advanced',
      'pid_mode',
      'userns_mode',
      'upload',
      'healthcheck',
      'sysctls',
      'ipc_mode',
      'group_add',
      'tty',
      'stdin_open',
      'storage_opts',
      'gpus',
      'cpus',
      'cgroupns_mode',
      'cgroup_parent',
    ],
    inPlace: [
      'rm',
      'start',
      'wait',
      'wait_timeout',
      'attach',
      'logs',
      'must_run',
      'restart',
      'max_retry_count',
      'remove_volumes',
      'tmpfs',
      'destroy_grace_seconds',
      'memory',
      'memory_swap',
      'cpu_shares',
      'cpu_set',
      'cpu_period',
      'cpu_quota',
      'init',
      'container_read_refresh_timeout_milliseconds',
    ],
  },
  // [docker-src] resource_docker_image.go: name, pull_triggers, triggers and platform are ForceNew.
  docker_image: {
    source: DOCKER,
    forceNew: ['name', 'pull_triggers', 'triggers', 'platform', 'build'],
    inPlace: ['keep_locally', 'force_remove'],
  },
  // [docker-src] resource_docker_volume.go: a volume has no update at all.
  docker_volume: {
    source: DOCKER,
    forceNew: ['name', 'labels', 'driver', 'driver_opts'],
    inPlace: [],
  },
  // [docker-src] resource_docker_network.go: every argument is ForceNew. check_duplicate exists in
  // 3.6.2 only (dropped later): assumed ForceNew like every other argument of the resource.
  docker_network: {
    source: DOCKER,
    forceNew: [
      'name',
      'labels',
      'driver',
      'options',
      'internal',
      'attachable',
      'ingress',
      'ipv6',
      'ipam_driver',
      'ipam_options',
      'ipam_config',
      'check_duplicate',
    ],
    inPlace: [],
  },
  // [tls-src] resource_private_key.go: algorithm, rsa_bits, ecdsa_curve RequiresReplace.
  tls_private_key: {
    source: TLS,
    forceNew: ['algorithm', 'rsa_bits', 'ecdsa_curve'],
    inPlace: [],
  },
  // [tls-src] resource_cert_request.go: private_key_pem (PEM-aware), dns_names, ip_addresses, uris, subject.
  tls_cert_request: {
    source: TLS,
    forceNew: ['private_key_pem', 'dns_names', 'ip_addresses', 'uris', 'subject'],
    inPlace: [],
  },
  // [tls-src] resource_self_signed_cert.go: early_renewal_hours has no RequiresReplace.
  tls_self_signed_cert: {
    source: TLS,
    forceNew: [
      'private_key_pem',
      'validity_period_hours',
      'allowed_uses',
      'dns_names',
      'ip_addresses',
      'uris',
      'is_ca_certificate',
      'set_subject_key_id',
      'set_authority_key_id',
      'subject',
    ],
    inPlace: ['early_renewal_hours'],
  },
  // [tls-src] resource_locally_signed_cert.go: early_renewal_hours has no RequiresReplace.
  tls_locally_signed_cert: {
    source: TLS,
    forceNew: [
      'ca_cert_pem',
      'ca_private_key_pem',
      'cert_request_pem',
      'validity_period_hours',
      'allowed_uses',
      'is_ca_certificate',
      'set_subject_key_id',
    ],
    inPlace: ['early_renewal_hours'],
  },
  // [terraform-doc] terraform_data: the fingerprint of an adopted container (constructs/adoption.ts).
  terraform_data: {
    source: 'Terraform built-in [terraform-doc]',
    forceNew: ['triggers_replace'],
    inPlace: ['input'],
  },
  // [local-doc] local_file: every argument forces a new file.
  local_file: {
    source: 'hashicorp/local 2.6.1 [local-doc]',
    forceNew: ['content', 'content_base64', 'sensitive_content', 'source', 'filename', 'file_permission', 'directory_permission'],
    inPlace: [],
  },
};

export type AttributeEffect = 'replace' | 'update' | 'replace (assumed)';

/** What changing `attribute` of a resource of `type` does. */
export function effectOf(type: string, attribute: string): AttributeEffect {
  const rules = REPLACEMENT_TABLE[type];
  if (rules?.inPlace.includes(attribute)) return 'update';
  if (rules?.forceNew.includes(attribute)) return 'replace';
  return 'replace (assumed)';
}

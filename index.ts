/**
 * xivo-cdktf as a construct library: deploy XiVO PBX, XiVO CC, the UC-Addon and an edge proxy
 * onto Docker hosts from your own cdktf app, without the environment YAML. See
 * examples/two-servers/main.ts and docs/ARCHITECTURE.md.
 */
// Catalogue: the services, their roles and public names.
export { findService, SERVICES, XUC_TRUSTSTORE_HOST_DIR, DEFAULT_XUC_HEAP, HOST_FILE_HELPER_IMAGE } from './catalogue/services';
export { PublicName, Role, SERVICE_IDS } from './catalogue/types';
export type {
  Confidence,
  EnvSource,
  FrontRole,
  HealthcheckDefinition,
  PortDefinition,
  ServiceDefinition,
  ServiceId,
  VolumeDefinition,
} from './catalogue/types';
export { RateZone } from './catalogue/routes';
export type { XucCredential } from './catalogue/xuc-credentials';

// Where services run.
export type { Deployment } from './constructs/deployment';
export { DEFAULT_LOG_ROTATION, HOST_GATEWAY_NAME } from './constructs/platform-rules';
export type { Endpoint, LogRotation } from './constructs/platform-rules';
export { XivoPlatform } from './constructs/xivo-platform';
export type { XivoPlatformProps, PlatformDirectory, PlatformServer, PlatformService } from './constructs/xivo-platform';
export { XivoServer, ServerRole } from './constructs/xivo-server';
export type { XivoServerProps, DockerHost, DockerTlsFiles } from './constructs/xivo-server';
export { ValidationError, UnscopedValidationError, InternalError } from './constructs/errors';

// Containers and host files.
export { ServiceContainer } from './constructs/service-container';
export type {
  BindMount,
  EnvPart,
  ExtraMount,
  ServiceContainerProps,
  ServiceOverrides,
  UploadPart,
  XivoServiceRef,
} from './constructs/service-container';
export { ADOPTED_CONTAINER_IGNORED, ADOPTED_NETWORK_IGNORED } from './constructs/adoption';
export type { AdoptedContainer } from './constructs/adoption';
export { HostFile } from './constructs/host-file';
export type { HostFileProps } from './constructs/host-file';
export { EnvFileKeys } from './constructs/env-file-keys';
export type { EnvFileKeysProps } from './constructs/env-file-keys';
export { SharedToken } from './constructs/shared-token';
export { PlanTimeFile } from './constructs/plan-time-file';
export { Runbook } from './constructs/runbook';
export type { RunbookProps } from './constructs/runbook';

// xuc, its web applications and their authentication modes.
export { XucService } from './constructs/xuc/xuc-service';
export { DEFAULT_LOGIN_TIMEOUT_MS } from './constructs/xuc/xuc-defaults';
export type { XucServiceProps, XucJvmOptions } from './constructs/xuc/xuc-service';
export { XucmgtService } from './constructs/xuc/xucmgt-service';
export type { XucmgtServiceProps } from './constructs/xuc/xucmgt-service';
export type { XucFeature, XucFeatureContext } from './constructs/xuc/xuc-feature';
export type { AuthModeInfo } from './constructs/xuc/auth-modes';
export type { XucContribution } from './constructs/xuc/contribution';
export { HoconSecret } from './constructs/xuc/hocon';
export type { HoconObject, HoconValue } from './constructs/xuc/hocon';
export { AuthLdap } from './constructs/xuc/auth-ldap';
export type { AuthLdapProps } from './constructs/xuc/auth-ldap';
export { AuthKerberos } from './constructs/xuc/auth-kerberos';
export type { AuthKerberosProps } from './constructs/xuc/auth-kerberos';
export { AuthCas } from './constructs/xuc/auth-cas';
export type { AuthCasProps } from './constructs/xuc/auth-cas';
export { AuthOidc } from './constructs/xuc/auth-oidc';
export type { AuthOidcProps } from './constructs/xuc/auth-oidc';
export { OutboundQueue } from './constructs/xuc/outbound-queue';
export type { OutboundQueueProps } from './constructs/xuc/outbound-queue';
export { XivoCredentials } from './constructs/xuc/xivo-credentials';
export type { XivoCredentialsProps } from './constructs/xuc/xivo-credentials';
export { XucTruststore } from './constructs/xuc/truststore';
export type { XucTruststoreProps } from './constructs/xuc/truststore';

// nginx: the HTTPS front and the edge proxy.
export { NginxFront } from './constructs/nginx/nginx-front';
export type { NginxFrontProps, RouteOptions, SipWebSocketOptions } from './constructs/nginx/nginx-front';
export type { FrontRoute } from './constructs/nginx/routes';
export { NginxService } from './constructs/nginx/nginx-service';
export type { NginxServiceProps } from './constructs/nginx/nginx-service';
export type { EdgeSiteOptions, NginxLocation, NginxSite, NginxUpstream } from './constructs/nginx/nginx-config';
export { EdgeProxy } from './constructs/nginx/edge-proxy';
export { EDGE_DEFAULTS } from './constructs/nginx/edge-defaults';
export type { EdgeProxyProps, EdgeSiteInput } from './constructs/nginx/edge-proxy';

// TLS.
export { Certificate } from './constructs/tls/certificate';
export type { GeneratedCertificateOptions } from './constructs/tls/certificate';
export { InternalCa } from './constructs/tls/internal-ca';
export type { InternalCaProps } from './constructs/tls/internal-ca';
export { ServerCertificate } from './constructs/tls/server-certificate';
export type { ServerCertificateProps, SignedChainProps } from './constructs/tls/server-certificate';
export { ProvidedCertificate } from './constructs/tls/provided-certificate';
export type { CertificateFiles, ProvidedCertificateProps } from './constructs/tls/provided-certificate';
export { CERTIFICATE_DEFAULTS } from './constructs/tls/key-spec';
export type { KeySpec } from './constructs/tls/key-spec';
export type { CertificateAuthority, KeyFiles, TlsMaterial } from './constructs/tls/tls-material';
export { ServerKey, ServerKeyStack } from './constructs/tls/server-key-stack';
export type { ServerKeyProps } from './constructs/tls/server-key-stack';
export { checkCrossStackOutputs } from './constructs/cross-stack-outputs';
export { XivoPbxTls } from './constructs/xivo-pbx-tls';
export type { XivoPbxTlsProps } from './constructs/xivo-pbx-tls';

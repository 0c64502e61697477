/**
 * Where this library delivers files into containers (uploaded at create time, or a host directory
 * mounted read-only): plain data (no cdktf), so that the config layer refuses an operator's mount
 * over one of them without loading the constructs.
 */

/** xuc's configuration (HOCON), pointed at by CONFIG_FILE. */
export const XUC_CONF_PATH = '/conf/xuc.conf';
/** The Kerberos configuration xuc's JVM reads. */
export const KRB5_CONF_PATH = '/etc/krb5.conf';
/** xuc's keytab (-Dsecured.krb5.keyTab). */
export const KEYTAB_PATH = '/etc/kerberos/xuc.keytab';
/** Where xuc mounts the LDAPS truststore directory (XiVO CC "System Configuration"). */
export const TRUSTSTORE_MOUNT = '/customSslTrustStore';
/** Where the nginx image reads its main configuration file. */
export const NGINX_CONF_PATH = '/etc/nginx/nginx.conf';
/** Where the certificate directory is mounted in the nginx containers. */
export const NGINX_SSL_DIR = '/etc/nginx/ssl';

/** Paths delivered into containers, by Compose service name: an operator's mount must not cover one. */
export const UPLOAD_PATHS: Readonly<Record<string, readonly string[]>> = {
  xuc: [XUC_CONF_PATH, KRB5_CONF_PATH, KEYTAB_PATH, TRUSTSTORE_MOUNT],
  nginx: [NGINX_CONF_PATH, NGINX_SSL_DIR],
};

/** Variables XucService composes itself, whatever the authentication modes. */
export const XUC_COMPOSED_VARIABLES = ['AUTH_PREVENT_XUC_LOGIN', 'CONFIG_FILE', 'JAVA_OPTS', 'LOGIN_TIMEOUT_MS'] as const;

/** Variables the JVM of xuc reads besides JAVA_OPTS: they would override the composed flags. */
export const MANAGED_JVM_VARIABLES = ['_JAVA_OPTIONS', 'JAVA_TOOL_OPTIONS', 'JDK_JAVA_OPTIONS'] as const;

/**
 * A Java LDAP client that logs in the way xuc's LDAP driver does: it reads
 * `authentication.ldap` from a rendered xuc.conf (Typesafe Config), binds as managerDN and
 * searches searchBase with userSearchFilter (%s → the login). JVM flags (truststore) are
 * given like JAVA_OPTS. For ldaps:// it first makes the TLS handshake alone, so that a trust
 * failure shows as the JVM reports it.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TYPESAFE_CONFIG_JAR } from './hocon-check';

const CLIENT_JAVA = `
import com.typesafe.config.*;
import java.io.File;
import java.util.Hashtable;
import javax.naming.Context;
import javax.naming.NamingEnumeration;
import javax.naming.directory.*;

public class Client {
  public static void main(String[] args) throws Exception {
    Config ldap = ConfigFactory.parseFile(new File(args[0])).resolve().getConfig("authentication.ldap");
    Hashtable<String, String> env = new Hashtable<>();
    env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");
    env.put(Context.PROVIDER_URL, ldap.getString("url"));
    env.put(Context.SECURITY_AUTHENTICATION, "simple");
    env.put(Context.SECURITY_PRINCIPAL, ldap.getString("managerDN"));
    env.put(Context.SECURITY_CREDENTIALS, ldap.getString("managerPassword"));
    try {
      // The TLS handshake on its own first: JNDI hides its failure behind "connection closed",
      // while xuc's LDAP SDK reports it (XiVO CC "System Configuration": "PKIX path building failed").
      java.net.URI uri = new java.net.URI(ldap.getString("url"));
      if (uri.getScheme().equals("ldaps")) {
        javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) javax.net.ssl.SSLSocketFactory.getDefault().createSocket(uri.getHost(), uri.getPort());
        socket.startHandshake();
        socket.close();
      }
      DirContext ctx = new InitialDirContext(env);
      SearchControls controls = new SearchControls();
      controls.setSearchScope(SearchControls.SUBTREE_SCOPE);
      String filter = ldap.getString("userSearchFilter").replace("%s", args[1]);
      NamingEnumeration<SearchResult> found = ctx.search(ldap.getString("searchBase"), filter, controls);
      while (found.hasMore()) System.out.println("found: " + found.next().getNameInNamespace());
      ctx.close();
    } catch (Exception e) {
      Throwable t = e;
      while (t.getCause() != null) t = t.getCause();
      System.out.println("error: " + e + " / cause: " + t);
      System.exit(2);
    }
  }
}
`;

export interface LdapClientResult {
  readonly status: number | null;
  readonly output: string;
}

let compiled: string | undefined;

/** Compiles the client once per test process (a source-file launch costs a compile per run). */
function classDir(): string {
  if (compiled) return compiled;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ldap-client-'));
  fs.writeFileSync(path.join(dir, 'Client.java'), CLIENT_JAVA);
  execFileSync('javac', ['-cp', TYPESAFE_CONFIG_JAR, '-d', dir, path.join(dir, 'Client.java')], { stdio: 'pipe' });
  compiled = dir;
  return dir;
}

/** Runs the client with `jvmOptions` on a rendered xuc.conf, looking up `login`. */
export function ldapLogin(xucConf: string, login: string, jvmOptions: readonly string[]): LdapClientResult {
  const dir = classDir();
  const conf = path.join(dir, `xuc-${process.hrtime.bigint()}.conf`);
  fs.writeFileSync(conf, xucConf);
  try {
    const result = spawnSync('java', [...jvmOptions, '-cp', `${TYPESAFE_CONFIG_JAR}:${dir}`, 'Client', conf, login], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    fs.rmSync(conf, { force: true });
  }
}

/** Removes the compiled client. */
export function cleanLdapClient(): void {
  if (compiled) fs.rmSync(compiled, { recursive: true, force: true });
  compiled = undefined;
}

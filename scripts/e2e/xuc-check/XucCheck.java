// XucCheck runs inside the xuc stand-in of the end-to-end suite and reads what xuc's own JVM
// reads at start, the way it reads it:
//   - CONFIG_FILE (xuc.conf) with Typesafe Config, the library xuc reads it with;
//   - the Kerberos service key: -Dsecured.krb5.principal and -Dsecured.krb5.keyTab, given to this
//     JVM in JAVA_OPTS exactly as xuc gets them, the principal completed with the default realm
//     of /etc/krb5.conf (Java's own krb5.conf parser), its keys looked up in the keytab with
//     javax.security.auth.kerberos.KeyTab.
// It prints one JSON document: {"config": <xuc.conf resolved>, "kerberos": {...}}. The Kerberos
// password is never printed: only its SHA-256, for the suite to compare.
//
//   docker exec <xuc> sh -c 'exec java $JAVA_OPTS -cp /opt/xuc-check/check:/opt/xuc-check/typesafe-config.jar XucCheck'
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.security.auth.kerberos.KerberosKey;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.kerberos.KeyTab;

public class XucCheck {
  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  public static void main(String[] args) throws Exception {
    String configFile = System.getenv("CONFIG_FILE");
    String config = "null";
    if (configFile != null) {
      // As xuc: the file may include "application.conf" (in the image's classpath, not here).
      config = ConfigFactory.parseFile(new File(configFile), ConfigParseOptions.defaults().setAllowMissing(false))
          .resolve().root().render(ConfigRenderOptions.concise());
    }
    String kerberos = "null";
    String principalName = System.getProperty("secured.krb5.principal");
    if (principalName != null) {
      String keyTabPath = System.getProperty("secured.krb5.keyTab");
      String password = System.getProperty("secured.krb5.password", "");
      KerberosPrincipal principal = new KerberosPrincipal(principalName);
      List<String> keys = new ArrayList<>();
      for (KerberosKey key : KeyTab.getInstance(new File(keyTabPath)).getKeys(principal)) {
        keys.add("{\"type\":" + key.getKeyType() + ",\"version\":" + key.getVersionNumber() + "}");
      }
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
      kerberos = "{\"principal\":" + quote(principal.getName()) + ",\"realm\":" + quote(principal.getRealm())
          + ",\"keyTab\":" + quote(keyTabPath) + ",\"keys\":[" + String.join(",", keys) + "]"
          + ",\"passwordSha256\":" + quote(HexFormat.of().formatHex(digest)) + "}";
    }
    System.out.println("{\"config\":" + config + ",\"kerberos\":" + kerberos + "}");
  }
}

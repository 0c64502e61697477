/**
 * Parses HOCON files with Typesafe Config, the library xuc itself reads xuc.conf with
 * (Debian libtypesafe-config-java + Java 17), several files in one JVM.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const TYPESAFE_CONFIG_JAR = '/usr/share/java/typesafe-config.jar';

const CHECK_JAVA = `
import com.typesafe.config.*;
import java.io.File;

public class Check {
  public static void main(String[] args) {
    for (String file : args) {
      // parseFile: syntax errors throw; a missing include (application.conf) is ignored as in HOCON.
      Config config = ConfigFactory.parseFile(new File(file), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
      System.out.println(config.root().render(ConfigRenderOptions.concise()));
    }
  }
}
`;

/** The parsed content of each HOCON text, as JSON objects; throws with Java's message on a parse error. */
export function parseHocon(texts: readonly string[]): Record<string, any>[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hocon-'));
  try {
    fs.writeFileSync(path.join(dir, 'Check.java'), CHECK_JAVA);
    const files = texts.map((text, i) => {
      const file = path.join(dir, `xuc-${i}.conf`);
      fs.writeFileSync(file, text);
      return file;
    });
    const out = execFileSync('java', ['-cp', TYPESAFE_CONFIG_JAR, path.join(dir, 'Check.java'), ...files], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What the first replacement of each adopted container will change. Adoption restarts nothing,
 * but the environment file describes the container as this project builds it: the first time
 * its configuration changes, the new container is created from the file (our labels, log
 * rotation, health check, the variables the file composes), not from what Compose had. The
 * environment is synthesized in memory and each adopted container's configuration compared
 * with the running one: names only, never a value.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from '../constructs/terraform-cdk';
import { Environment } from '../config/model';
import { OUTDIR_CONTEXT } from '../constructs/plan-time-file';
import { buildEnvironment } from '../stacks/platform';
import { Finding, ServerDiscovery } from './mapping';
import { isSecretName, splitEnv } from './snapshot';

/** A value of cdk.tf.json as the container gets it: escaped literals unescaped; undefined when Terraform computes it. */
function literal(value: string): string | undefined {
  // Private-use characters stand for the escaped sequences while references are looked for.
  const unescaped = value.replace(/\$\$\{/g, '\uE000').replace(/%%\{/g, '\uE001');
  if (/\$\{|%\{/.test(unescaped)) return undefined;
  return unescaped.replace(/\uE000/g, '${').replace(/\uE001/g, '%{');
}

const list = (names: readonly string[]) => names.join(', ');

/** The arguments of a synthesized `docker_container` read here. */
interface SynthesizedContainer {
  readonly name: string;
  readonly env?: readonly string[];
  readonly volumes?: readonly { readonly container_path: string }[];
  readonly healthcheck?: unknown;
}

/** One finding per adopted container of `discovery` whose first replacement changes something. */
export function firstReplacementChanges(
  environment: Environment,
  discovery: ServerDiscovery,
  imageEnv: (imageId: string) => readonly string[],
): Finding[] {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xivo-discover-'));
  try {
    const app = new App({ outdir: tmp, stackTraces: false, context: { [OUTDIR_CONTEXT]: path.resolve('cdktf.out') } });
    buildEnvironment(app, environment);
    app.synth();
    const stack = environment.servers.find((s) => s.name === discovery.server)!.stackName;
    const json = JSON.parse(fs.readFileSync(path.join(tmp, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    const containers = Object.values<SynthesizedContainer>(json.resource?.docker_container ?? {});
    return discovery.adopted.flatMap((a): Finding[] => {
      const config = containers.find((c) => c.name === a.name);
      if (!config) return [];
      const image = new Map(imageEnv(a.container.Image).map(splitEnv));
      const live = new Map((a.container.Config.Env ?? []).map(splitEnv).filter(([k, v]) => image.get(k) !== v));
      const wanted = new Map((config.env ?? []).map(splitEnv));
      const added = [...wanted.keys()].filter((k) => !live.has(k)).sort();
      const dropped = [...live.keys()].filter((k) => !wanted.has(k)).sort();
      const changed = [...wanted.keys()]
        .filter((k) => live.has(k))
        .filter((k) => {
          const value = literal(wanted.get(k)!);
          return value === undefined ? !isSecretName(k) : value !== live.get(k);
        })
        .sort();
      const mountsWanted = new Set((config.volumes ?? []).map((v) => v.container_path));
      const mountsLive = new Set((a.container.Mounts ?? []).map((m) => m.Destination));
      const parts = [
        added.length ? `sets ${list(added)}` : '',
        dropped.length ? `drops ${list(dropped)}` : '',
        changed.length ? `changes ${list(changed)}` : '',
        [...mountsWanted].filter((m) => !mountsLive.has(m)).length
          ? `mounts ${list([...mountsWanted].filter((m) => !mountsLive.has(m)).sort())}`
          : '',
        [...mountsLive].filter((m) => !mountsWanted.has(m)).length
          ? `no longer mounts ${list([...mountsLive].filter((m) => !mountsWanted.has(m)).sort())}`
          : '',
        config.healthcheck && !a.container.Config.Healthcheck ? 'adds a health check' : '',
        'carries the org.xivo.* and Compose labels and rotates its logs',
      ].filter(Boolean);
      return [
        {
          level: dropped.length || changed.length ? 'warning' : 'info',
          subject: `${a.def.id} (${a.name})`,
          text: `its first replacement (when its configuration changes) ${parts.join('; ')}`,
        },
      ];
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

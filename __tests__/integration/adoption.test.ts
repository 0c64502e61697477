/**
 * Adopting running containers (services.<id>.adoptContainer) and the installation's network
 * (servers[].adoptNetwork): what synth writes (import blocks, ignore_changes of exactly the
 * attributes the provider cannot read back, the fingerprint that replaces on a real change),
 * the rules of the environment file, and what `impact` says before the first deploy and after.
 */
import { ADOPTED_CONTAINER_IGNORED } from '../../constructs/adoption';
import { buildImpactReport, EXIT_RESTARTS, ImpactReport } from '../../impact/impact-report';
import { readStacks } from '../../impact/synth-at-ref';
import { baseline, messagesOf, writeEnvironment } from '../support/environments';
import { programsStartedBy } from '../support/no-programs';
import { synthEnvironments } from '../support/synth';

const XUC_ID = 'a'.repeat(64);
const PG_ID = 'b'.repeat(64);

/** The baseline with XiVO CC's xuc and pgxivocc adopted from a Compose project, as discover writes it. */
function adopted(change: (e: Record<string, any>) => void = () => undefined): Record<string, any> {
  const e = baseline();
  e.servers[1].adoptNetwork = 'xivocc_default';
  e.services = {
    'cc.xuc': {
      restart: 'always',
      memoryMb: 0,
      env: { OPERATOR_KEY: 'kept ${as written}' },
      adoptContainer: { name: 'xivocc_xuc_1', id: XUC_ID, aliases: ['xuc'] },
    },
    'cc.pgxivocc': {
      ports: { postgres: 5444 },
      adoptVolumes: { data: 'xivocc_pgdata' },
      adoptContainer: { name: 'xivocc_pgxivocc_1', id: PG_ID, aliases: ['pgxivocc'] },
    },
  };
  change(e);
  return e;
}

function synth(spec: Record<string, any>, name = 'adopted') {
  return synthEnvironments(writeEnvironment(spec, name));
}

const containerOf = (json: Record<string, any>, name: string) =>
  Object.entries<any>(json.resource.docker_container).find(([, c]) => c.name === name)!;

test('an adopted estate synthesizes without starting a program: neither its import blocks nor its terraform_data run terraform', () => {
  let json: Record<string, any> = {};
  expect(programsStartedBy(() => (json = synth(adopted(), 'no-program').json('test-cc')))).toEqual([]);
  expect(Object.keys(json.resource.terraform_data ?? {})).toHaveLength(2);
  expect(json.terraform.required_version).toBe('>= 1.5.0');
});

describe('synth of an adopted service', () => {
  const out = synth(adopted());
  const json = out.json('test-cc');
  const [xucId, xuc] = containerOf(json, 'xivocc_xuc_1');

  test('imports the running container by id, the network and the volume by name', () => {
    const imports = (json.import as { to: string; id: string }[]).map((i) => `${i.to} <- ${i.id}`).sort();
    const [pgId] = containerOf(json, 'xivocc_pgxivocc_1');
    expect(imports).toEqual(
      [
        `docker_container.${xucId} <- ${XUC_ID}`,
        `docker_container.${pgId} <- ${PG_ID}`,
        'docker_network.network <- xivocc_default',
        `docker_volume.${Object.keys(json.resource.docker_volume).find((k) => json.resource.docker_volume[k].name === 'xivocc_pgdata')} <- xivocc_pgdata`,
      ].sort(),
    );
    expect(json.resource.docker_network.network.name).toBe('xivocc_default');
    expect(json.resource.docker_network.network.lifecycle.ignore_changes).toEqual(expect.arrayContaining(['labels', 'attachable']));
  });

  test('keeps the container name and the Compose alias; restart policy and memory as found', () => {
    expect(xuc.networks_advanced).toEqual([{ name: '${docker_network.network.name}', aliases: ['xivocc_xuc_1', 'xuc'] }]);
    expect({ restart: xuc.restart, memory: xuc.memory, swap: xuc.memory_swap }).toEqual({ restart: 'always', memory: 0, swap: 0 });
  });

  test('ignores exactly what the provider cannot read back, and is replaced through its fingerprint', () => {
    expect(xuc.lifecycle.ignore_changes).toEqual([...ADOPTED_CONTAINER_IGNORED]);
    expect(xuc.lifecycle.replace_triggered_by).toEqual([expect.stringMatching(/^terraform_data\.cc_xuc_service_adoption-inputs_[0-9A-F]+$/)]);
    const fingerprint = json.resource.terraform_data[xuc.lifecycle.replace_triggered_by[0].split('.')[1]];
    expect(fingerprint.triggers_replace.configuration).toMatch(/^[0-9a-f]{64}$/);
    // The values behind references (the token, the image id) are hashed by Terraform: never written here.
    expect(fingerprint.triggers_replace.references).toMatch(/^\$\{sha256\(join\("\\n", \[.*var\.play_auth_token.*\]\)\)\}$/);
    expect(fingerprint.triggers_replace.references).toContain('.image_id');
  });

  test('other services reach an adopted one by its own name', () => {
    const [, replication] = containerOf(json, 'xivocc-xivo-db-replication');
    expect(replication.env).toContain('DB_HOST=xivocc_pgxivocc_1');
    expect(replication.lifecycle).toBeUndefined();
  });

  test('the fingerprint is stable across synths and changes with any guarded input', () => {
    const fingerprintOf = (spec: Record<string, any>) => {
      const j = synth(spec, 'again').json('test-cc');
      const [, c] = containerOf(j, 'xivocc_xuc_1');
      return j.resource.terraform_data[c.lifecycle.replace_triggered_by[0].split('.')[1]].triggers_replace.configuration;
    };
    const first = fingerprintOf(adopted());
    expect(fingerprintOf(adopted())).toBe(first);
    expect(fingerprintOf(adopted((e) => (e.services['cc.xuc'].env.OPERATOR_KEY = 'changed')))).not.toBe(first);
    expect(fingerprintOf(adopted((e) => (e.services['cc.xuc'].tag = '2024.05.03')))).not.toBe(first);
    expect(fingerprintOf(adopted((e) => (e.services['cc.xuc'].ports = { http: 8091 })))).not.toBe(first);
    // Memory and the restart policy are compared by Terraform itself (updated in place): not in the fingerprint.
    expect(fingerprintOf(adopted((e) => (e.services['cc.xuc'].memoryMb = 4096)))).toBe(first);
  });
});

describe('rules of adoption', () => {
  test.each<[string, (e: Record<string, any>) => void, string]>([
    [
      'an adopted container of a disabled service',
      (e) => (e.services['cc.kibana'] = { enabled: false, adoptContainer: { name: 'xivocc_kibana_1', id: 'c'.repeat(64) } }),
      'services.cc.kibana.adoptContainer: "cc.kibana" is not deployed in this environment (disabled, or no server carries role "cc"): an adopted container needs its service; enable it or remove adoptContainer',
    ],
    [
      'one container adopted by two services',
      (e) => (e.services['cc.xucmgt'] = { adoptContainer: { name: 'xivocc_xuc_1', id: 'd'.repeat(64) } }),
      'services.cc.xucmgt.adoptContainer.name: container name "xivocc_xuc_1" on Docker host ssh://deploy@10.0.0.20 is taken twice: by cc.xuc and by cc.xucmgt; adopt each running container once',
    ],
    [
      'one id adopted twice',
      (e) => (e.services['cc.xucmgt'] = { adoptContainer: { name: 'xivocc_xucmgt_1', id: XUC_ID } }),
      `services.cc.xucmgt.adoptContainer.id: container ${XUC_ID.slice(0, 12)} on Docker host ssh://deploy@10.0.0.20 is adopted twice: by cc.xuc and by cc.xucmgt; adopt each running container once`,
    ],
    [
      "an adopted name that is another service's container name",
      (e) => (e.services['cc.xuc'].adoptContainer.name = 'xivocc-xucmgt'),
      'services.cc.xucmgt: container name "xivocc-xucmgt" on Docker host ssh://deploy@10.0.0.20 is taken twice: by cc.xuc and by cc.xucmgt; adopt each running container once',
    ],
    [
      'one network adopted by two servers of one host',
      (e) => {
        e.servers[0].docker.host = e.servers[1].docker.host;
        e.servers[0].adoptNetwork = 'xivocc_default';
      },
      'servers.1.adoptNetwork: network "xivocc_default" on Docker host ssh://deploy@10.0.0.20 is adopted twice: by server "pbx" and by server "cc"; one server adopts it',
    ],
    [
      'a short container id',
      (e) => (e.services['cc.xuc'].adoptContainer.id = 'abc123'),
      'services.cc.xuc.adoptContainer.id: must be the full container id (64 hexadecimal digits, `docker inspect --format {{.Id}} <name>`)',
    ],
    [
      'a restart policy Docker does not know',
      (e) => (e.services['cc.xuc'].restart = 'sometimes'),
      'services.cc.xuc.restart: is not a Docker restart policy: use one of no, always, unless-stopped, on-failure',
    ],
  ])('%s', (_name, change, message) => {
    expect(messagesOf(adopted(change))).toContain(message);
  });

  test('memoryMb 0 is no limit: the heap rule does not apply', () => {
    expect(messagesOf(adopted((e) => (e.auth = { jvm: { heapMax: '8g' } })))).toEqual([]);
  });
});

describe('impact of a takeover', () => {
  const before = new Map();
  const first = readStacks(synth(adopted(), 'impact-a').outdir);
  const changesOf = (report: ImpactReport) =>
    report.environments
      .flatMap((e) => e.stacks)
      .flatMap((s) => s.containers.filter((c) => c.kind === 'service').map((c) => `${s.stack} ${c.container} ${c.action}: ${c.why.join('; ')}`))
      .sort();

  test('before the first deploy: the adopted containers are adopted, nothing is replaced', () => {
    const report = buildImpactReport(before, first, 'test');
    const test = report.environments.find((e) => e.name === 'test')!;
    expect({ replaced: test.containersReplaced, adopted: test.containersAdopted }).toEqual({ replaced: 0, adopted: 2 });
    expect(changesOf(report).filter((c) => c.includes(' import'))).toEqual([
      'test-cc xivocc_pgxivocc_1 import: adopted: imported from the running installation',
      'test-cc xivocc_xuc_1 import: adopted: imported from the running installation',
    ]);
    // Compared with nothing (the file is new), the services that run nowhere yet are created: exit 2.
    expect(test.summary).toBe('test: new environment, 9 containers created, 2 containers adopted without restart on 2 servers');
    expect(report.exitCode).toBe(EXIT_RESTARTS);
  });

  test('a later change of a guarded input replaces exactly that container, naming the key', () => {
    const after = readStacks(
      synth(
        adopted((e) => (e.services['cc.xuc'].env.OPERATOR_KEY = 'changed')),
        'impact-b',
      ).outdir,
    );
    const report = buildImpactReport(first, after, 'test');
    expect(changesOf(report)).toEqual([
      expect.stringMatching(/^test-cc xivocc_xuc_1 replace: env OPERATOR_KEY \(test-cc\/cc\/xuc\/service\/adoption-inputs replaced\)$/),
    ]);
    expect(JSON.stringify(report)).not.toContain('changed');
    expect(report.exitCode).toBe(EXIT_RESTARTS);
  });

  test('memory is updated in place, without the fingerprint', () => {
    const after = readStacks(
      synth(
        adopted((e) => (e.services['cc.xuc'].memoryMb = 4096)),
        'impact-c',
      ).outdir,
    );
    expect(changesOf(buildImpactReport(first, after, 'test'))).toEqual(['test-cc xivocc_xuc_1 update: memory; memory_swap']);
  });
});

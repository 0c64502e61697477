/**
 * Names in the impact Markdown come from environment files (a containerPath, a host file) and
 * from the compared trees: each is a code span fenced longer than any backtick run inside it, so a
 * name cannot become a link, an image beacon, HTML or an `@all` mention in the merge-request note.
 */
import { code, renderMarkdown } from '../impact/markdown';
import type { ImpactReport } from '../impact/impact-report';

const HOSTILE = 'x` [link](https://evil.example/) ![beacon](https://evil.example/b.png) <img src=x> @all ``y';

test.each([
  ['xuc', '`xuc`'],
  ['a`b', '``a`b``'],
  ['a``b`', '``` a``b` ```'],
  ['`start', '`` `start ``'],
  [' spaced ', '`  spaced  `'],
  ['line\nbreak\u2028and\u2029more', '`line break and more`'],
  ['', '` `'],
  [HOSTILE, '```x` [link](https://evil.example/) ![beacon](https://evil.example/b.png) <img src=x> @all ``y```'],
])('code(%j) is %s', (name, span) => {
  expect(code(name)).toBe(span);
});

test('a hostile containerPath and host file reach the note only inside code spans', () => {
  const report: ImpactReport = {
    compared: 'base → working tree',
    dataLoss: [],
    addedFiles: [],
    notCompared: [{ file: `certs/${HOSTILE}.pem`, why: 'not in git at the base' }],
    exitCode: 2,
    environments: [
      {
        name: 'prod',
        stacks: [
          {
            stack: 'prod-cc',
            environment: 'prod',
            server: 'cc',
            containers: [
              {
                container: 'prod-cc-hostfile-1',
                service: `/etc/${HOSTILE}`,
                kind: 'host-file',
                action: 'replace',
                why: [`upload /opt/${HOSTILE}`],
                effect: 'none',
                address: 'docker_container.hostfile',
              },
            ],
            others: [{ address: 'docker_image.x', path: `prod-cc/${HOSTILE}`, action: 'replace', why: ['name'] }],
          },
        ],
        containersReplaced: 0,
        containersAdopted: 0,
        containersRemoved: 0,
        serversAffected: 0,
        servicesReplaced: [],
        dataVolumesAtRisk: 0,
        added: false,
        containersCreated: 0,
        summary: 'prod: 0 containers replaced, 0 data volumes at risk',
      },
    ],
  };
  const markdown = renderMarkdown(report);
  const fence = '```';
  expect(markdown.split('\n').filter((l) => l.includes('evil'))).toEqual([
    `| \`prod-cc-hostfile-1\` (host-file ${fence}/etc/${HOSTILE}${fence}) | **replaced** | ${fence}upload /opt/${HOSTILE}${fence} | none |`,
    `- ${fence}prod-cc/${HOSTILE}${fence} (\`docker_image\`): replaced: \`name\``,
    `- ${fence}certs/${HOSTILE}.pem${fence}: not in git at the base`,
  ]);
  // Outside the code spans, nothing of the hostile name is left.
  const outside = markdown.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, '');
  expect(outside).not.toMatch(/evil|@all|<img|\]\(/);
});

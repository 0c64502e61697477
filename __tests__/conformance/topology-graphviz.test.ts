/**
 * Graphviz `dot` (Debian graphviz) renders the topology that synth writes: the README synth of the
 * bundled prod leaves cdktf.out/docs/prod/topology.svg, an SVG with a box per server and an arrow
 * per flow, identical to dot's own rendering of the DOT source kept next to it; the picture
 * committed for the README shows the same graph.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describeWithPrograms } from '../support/programs';
import { synthEnvironments } from '../support/synth';

/** The `<title>` of every graph element of a Graphviz SVG (clusters, nodes, edges), entities decoded. */
const titles = (svg: string) =>
  [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1].replace(/&#45;/g, '-').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&')).sort();

describeWithPrograms('Graphviz renders the estate topology', { dot: 'graphviz' }, () => {
  const out = synthEnvironments(path.join(__dirname, '..', '..', 'environments', 'prod.yaml'));
  const docs = path.join(out.outdir, 'docs', 'prod');

  test('topology.svg of prod is dot’s rendering of topology.dot, with every server and flow', () => {
    const svg = fs.readFileSync(path.join(docs, 'topology.svg'), 'utf8');
    const rendered = execFileSync('dot', ['-Tsvg', path.join(docs, 'topology.dot')], { encoding: 'utf8' });
    expect(svg).toBe(rendered);
    expect(svg).toMatch(/^<\?xml[^]*<svg [^]*<\/svg>\s*$/);
    const all = titles(svg);
    for (const server of ['pbx', 'mds1', 'mds2', 'cc-core', 'cc-reporting', 'uc', 'edge']) expect(all).toContain(`cluster_${server}`);
    expect(all).toContain('cc-core/xivocc-nginx->cc-reporting/xivocc-spagobi');
    expect(all).toContain('browsers (internet)->edge/edge-nginx');
    expect(all).toContain('cc-core/xivocc-xuc->mds1/host');
    expect(svg).toContain('>9500/tcp</text>');
  });

  test('the picture in the README shows the current graph (refresh: npm run synth; cp cdktf.out/docs/prod/topology.svg docs/topology-prod.svg)', () => {
    // Compared by graph elements, not bytes: layout coordinates vary between Graphviz versions.
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'topology-prod.svg'), 'utf8');
    expect(titles(committed)).toEqual(titles(fs.readFileSync(path.join(docs, 'topology.svg'), 'utf8')));
  });
});

/**
 * "Did you mean": the closest known word to a misspelt key or value, by edit distance, with
 * the synonyms people actually write (a role "pbx" is the XiVO PBX, role "xivo").
 */

/** Words people write for a known value: alias → value. */
const ALIASES: Readonly<Record<string, string>> = {
  pbx: 'xivo',
  'xivo-pbx': 'xivo',
  main: 'xivo',
  media: 'mds',
  'media-server': 'mds',
  xivocc: 'cc',
  'uc-addon': 'ucaddon',
  uc: 'ucaddon',
  dmz: 'edge',
  proxy: 'edge',
};

/** Edit distance with transpositions (optimal string alignment), case-insensitive: "ldpa" is 1 from "ldap". */
function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => [i, ...Array<number>(t.length).fill(0)]);
  for (let j = 0; j <= t.length; j++) d[0][j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[s.length][t.length];
}

/**
 * The known word closest to `input` (directly or through an alias), when it is close enough
 * to be a typo: at most a third of its length, and at most 2 edits; or a known word that
 * starts with it ("keytab" → "keytabFile").
 */
export function closest(input: string, known: readonly string[]): string | undefined {
  if (input.length > 64) return undefined;
  const extended = input.length >= 4 ? known.find((word) => word.toLowerCase().startsWith(input.toLowerCase()) && word !== input) : undefined;
  if (extended) return extended;
  const limit = Math.min(2, Math.max(1, Math.floor(input.length / 3)));
  let best: { word: string; distance: number } | undefined;
  const consider = (spelling: string, word: string) => {
    const distance = editDistance(input, spelling);
    if (distance <= limit && (!best || distance < best.distance)) best = { word, distance };
  };
  for (const word of known) consider(word, word);
  for (const [alias, word] of Object.entries(ALIASES)) if (known.includes(word)) consider(alias, word);
  return best && best.word !== input ? best.word : undefined;
}

/** `: did you mean "ldap"?`, or nothing. */
export function didYouMean(input: unknown, known: readonly string[]): string {
  if (typeof input !== 'string') return '';
  const word = closest(input, known);
  return word ? `; did you mean "${word}"?` : '';
}

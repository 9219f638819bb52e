/**
 * The `docs` target: a port table in each project's README (service, port, purpose, env
 * variable, local URL) and a table of every project and its range in the root README (or the
 * file named by `generate.rootDocs`), between `<!-- portreg:start -->` and `<!-- portreg:end -->`.
 */
import { formatRange } from '../registry/types.js';
import { appendAtEnd, FenceTracker, splitLines, type StringEdit } from './markers.js';
import { oneLine } from './env.js';
import { banner, localUrl, portLabel, type ProjectView } from './view.js';

export const README_FILE = 'README.md';

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|') || '-';
}

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

export function projectDocsBody(project: ProjectView): string[] {
  const intro = `Project \`${project.name}\` owns ports ${formatRange(project.range)}.`;
  const rows = project.services.map((s) => {
    const url = localUrl(s);
    return [cell(s.name), portLabel(s), cell(s.purpose), s.env ? `\`${s.env}\`` : '-', url ? `<${url}>` : '-'];
  });
  return [
    `<!-- ${banner('docs')} -->`,
    '',
    intro,
    '',
    ...(rows.length ? table(['Service', 'Port', 'Purpose', 'Env variable', 'Local URL'], rows) : ['No ports are allocated yet.']),
    '',
  ];
}

export function rootDocsBody(projects: ProjectView[]): string[] {
  const rows = projects.map((p) => [cell(p.name), formatRange(p.range), p.path ? `\`${cell(p.path)}\`` : '-', cell(p.description ?? '')]);
  return [
    `<!-- ${banner('docs')} -->`,
    '',
    ...(rows.length ? table(['Project', 'Range', 'Path', 'Description'], rows) : ['No projects are registered yet.']),
    '',
  ];
}

const ATX = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;

/** ATX headings outside code blocks: their line and text. */
function headings(text: string) {
  const out: { line: ReturnType<typeof splitLines>[number]; level: number; title: string }[] = [];
  const fences = new FenceTracker();
  for (const line of splitLines(text)) {
    if (fences.inCode(line.text)) continue;
    const h = ATX.exec(line.text.replace(/^\uFEFF/, ''));
    if (h) out.push({ line, level: h[1]!.length, title: h[2]! });
  }
  return out;
}

/**
 * First run in an existing README: right under a heading that names the ports ("## Ports",
 * "## Port allocation"; for the root table also "## Port ranges" or "## Projects"), so the
 * table lands where readers already look; without one, at the end under a new heading of
 * its own. Hand-written text under that heading stays, below the table. A project README's
 * hand-written port table in that section (a table with a Port column) is taken over: the
 * generated region takes its place, as the env target takes over `API_PORT=` lines, so the
 * README does not end up with two tables that disagree.
 */
export function placeDocsRegion(text: string, block: string, eol: string, kind: 'project' | 'root'): StringEdit {
  const wanted = kind === 'project' ? /^ports?\b/i : /^(?:port ranges?|ports?|projects)\b/i;
  const lines = splitLines(text);
  const all = headings(text);
  const heading = all.find((h) => wanted.test(h.title));
  if (heading) {
    const i = lines.findIndex((l) => l.start === heading.line.start);
    if (kind === 'project') {
      // The section's own text, up to the next heading of any level: a subsection's table (partners' ports) is not the project's.
      const next = all.find((h) => h.line.start > heading.line.start);
      const end = next ? lines.findIndex((l) => l.start === next.line.start) : lines.length;
      const hand = handPortTable(lines, i + 1, end);
      if (hand) {
        // The last row without a line break (end of file): the block does not add one.
        const noBreak = hand.last.end === hand.last.contentEnd;
        return { start: hand.first.start, end: hand.last.end, text: noBreak ? block.slice(0, block.length - eol.length) : block };
      }
    }
    const next = lines[i + 1];
    const lastWithout = !next && !text.endsWith('\n');
    let insert = (lastWithout ? eol : '') + eol + block + (next && next.text.trim() !== '' ? eol : '');
    if (lastWithout) insert = insert.slice(0, insert.length - eol.length);
    return { start: heading.line.end, end: heading.line.end, text: insert };
  }
  const title = kind === 'project' ? '## Ports' : '## Port ranges';
  return appendAtEnd(text, `${title}${eol}${eol}${block}`, eol);
}

type Line = ReturnType<typeof splitLines>[number];

const DELIMITER_ROW = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/** A table row's cells, the outer pipes dropped (escaped pipes stay inside their cell). */
function cells(row: string): string[] {
  const body = row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return body.split(/(?<!\\)\|/).map((c) => c.trim());
}

/**
 * The first GFM table among lines [from, to), outside fenced code, whose header has a Port
 * column ("Port", "Ports", "Host port", in bold or code too): its first and last line.
 */
function handPortTable(lines: Line[], from: number, to: number): { first: Line; last: Line } | null {
  const fences = new FenceTracker();
  for (let i = from; i < to; i++) {
    const text = lines[i]!.text;
    if (fences.inCode(text)) continue;
    const delimiter = lines[i + 1];
    if (i + 1 >= to || !delimiter || !text.includes('|') || !delimiter.text.includes('|') || !DELIMITER_ROW.test(delimiter.text)) continue;
    const header = cells(text);
    if (header.length !== cells(delimiter.text).length) continue;
    if (!header.some((c) => /^ports?\b|\bports?$/i.test(c.replace(/[*_`]/g, '').trim()))) continue;
    let last = i + 1;
    while (last + 1 < to && lines[last + 1]!.text.trim() !== '' && lines[last + 1]!.text.includes('|')) last++;
    return { first: lines[i]!, last: lines[last]! };
  }
  return null;
}

/** A README that does not exist yet: a title, then the section. */
export function newReadme(kind: 'project' | 'root', name: string, block: string, eol: string): string {
  return kind === 'project' ? `# ${name}${eol}${eol}## Ports${eol}${eol}${block}` : `# Port ranges${eol}${eol}${block}`;
}

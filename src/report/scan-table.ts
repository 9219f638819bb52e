import pc from 'picocolors';
import type { ScanResult } from '../scan/scan.js';

export interface ScanTableOptions {
  /** ANSI colours (a terminal, and NO_COLOR unset): project names bold, the marks and the legend set apart. */
  color: boolean;
}

const HEADER = ['PORT', 'KIND', 'SERVICE', 'WHERE', 'AS WRITTEN'];

/**
 * The inventory for people: one header, then the ports grouped by project, one line each, the
 * columns aligned across the whole table; a count; and a legend for the marks the table uses.
 */
export function formatScanTable(result: ScanResult, options: ScanTableOptions = { color: false }): string {
  const pieces: string[] = [];
  writeScanTable(result, options, (piece) => pieces.push(piece));
  return pieces.join('');
}

type Port = ScanResult['ports'][number];
type Mark = 'container' | 'variable' | 'reference';

/** A port's four aligned cells and its last one, and the mark its PORT cell carries. */
function cellsOf(p: Port): { cells: [string, string, string, string, string]; mark: 'container' | 'variable' | null } {
  const mark = p.published !== null ? null : p.resolved ? 'container' : 'variable';
  const port = mark === null ? `${p.published}${p.publishedEnd ? `-${p.publishedEnd}` : ''}` : mark === 'container' ? `(${p.target})` : `$${p.variable}`;
  const who = p.referencedProject ? `→ ${p.referencedProject}/${p.service}` : (p.service ?? p.composeService ?? '');
  return { cells: [port, p.kind, who, `${p.file}:${p.line}:${p.column}`, p.raw.length > 60 ? p.raw.slice(0, 57) + '...' : p.raw], mark };
}

/** Text is handed to `write` in pieces of about this many characters. */
const PIECE = 64 * 1024;

/**
 * The same table, handed to `write` piece by piece: the inventory of 5,000 projects is 7 MB of
 * text, which as one string (and its lines, and their cells) doubled the scan's peak memory. Two
 * passes over the ports: the widths and the marks, then the lines; no line is kept.
 */
export function writeScanTable(result: ScanResult, options: ScanTableOptions, write: (piece: string) => void): void {
  const c = pc.createColors(options.color);
  const groups = new Map<string, Port[]>();
  for (const p of result.ports) {
    const key = p.project ?? '';
    const group = groups.get(key);
    if (group) group.push(p);
    else groups.set(key, [p]);
  }
  const keys = [...groups.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  const marks = new Set<Mark>();
  const widths = HEADER.slice(0, 4).map((h) => h.length);
  for (const p of result.ports) {
    const { cells, mark } = cellsOf(p);
    if (mark) marks.add(mark);
    if (p.referencedProject) marks.add('reference');
    for (let col = 0; col < 4; col++) if (cells[col]!.length > widths[col]!) widths[col] = cells[col]!.length;
  }
  const plain = (s: string) => s;
  const line = (cells: readonly string[], paint: readonly ((s: string) => string)[]) =>
    `  ${cells.map((cell, col) => paint[col]!(col < 4 ? cell.padEnd(widths[col]!) : cell)).join('  ')}`.trimEnd();

  let buffer = '';
  const out = (text: string) => {
    buffer += text + '\n';
    if (buffer.length >= PIECE) {
      write(buffer);
      buffer = '';
    }
  };
  if (result.ports.length > 0)
    out(
      c.bold(
        line(
          HEADER,
          HEADER.map(() => plain),
        ),
      ),
    );
  for (const key of keys) {
    out(c.bold(key === '' ? '(no project)' : key));
    for (const p of groups.get(key)!) {
      const { cells, mark } = cellsOf(p);
      // Colour is applied after padding, so the escapes never upset the alignment.
      out(line(cells, [mark === 'container' ? c.dim : mark === 'variable' ? c.yellow : plain, c.dim, p.referencedProject ? c.cyan : plain, plain, c.dim]));
    }
  }
  out('');
  out(`${plural(result.ports.length, 'port')} in ${plural(result.files.length, 'file')}`);
  // Only the marks the table uses are explained.
  const legend = [
    marks.has('container') ? '(5432): a container port, not published on this machine' : '',
    marks.has('variable') ? '$VAR: a port from a variable that has no value' : '',
    marks.has('reference') ? "→ project/service: another project's port" : '',
  ].filter(Boolean);
  if (legend.length) out(c.dim(`Legend: PORT is the port on this machine; ${legend.join('; ')}.`));
  write(buffer);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

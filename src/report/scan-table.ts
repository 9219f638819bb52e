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
 * text, which as one string (and its lines, and their cells) doubled the scan's peak memory.
 */
export function writeScanTable(result: ScanResult, options: ScanTableOptions, write: (piece: string) => void): void {
  const table = new ScanTable();
  table.add(result);
  table.write(options, write);
}

/**
 * A row as one string: its PORT cell's mark (`c`ontainer, `v`ariable or `-`), whether it names
 * another project's port (`r` or `-`), then its five cells, each after a NUL (no text the scanner
 * reads holds one). One string a port instead of an array and its strings: the rows of 80,000
 * ports are a large part of what a scan of 5,000 projects holds.
 */
type Row = string;
const MARK_CODE = { container: 'c', variable: 'v' } as const;

/**
 * The table built from one inventory or from a scan's groups of whole projects (scanInGroups):
 * each port's cells are kept, not the port, and the columns are aligned once every group is in.
 */
export class ScanTable {
  private readonly rows = new Map<string, Row[]>();
  private readonly marks = new Set<Mark>();
  private readonly widths = HEADER.slice(0, 4).map((h) => h.length);
  private ports = 0;
  private files = 0;

  /** An inventory, or a group of whole projects (a project's ports all come in one group). */
  add(result: Pick<ScanResult, 'ports' | 'files'>): void {
    for (const p of result.ports) {
      const { cells, mark } = cellsOf(p);
      if (mark) this.marks.add(mark);
      if (p.referencedProject) this.marks.add('reference');
      for (let col = 0; col < 4; col++) if (cells[col]!.length > this.widths[col]!) this.widths[col] = cells[col]!.length;
      const key = p.project ?? '';
      const row: Row = `${mark ? MARK_CODE[mark] : '-'}${p.referencedProject ? 'r' : '-'}\0${cells.join('\0')}`;
      const rows = this.rows.get(key);
      if (rows) rows.push(row);
      else this.rows.set(key, [row]);
    }
    this.ports += result.ports.length;
    this.files += result.files.length;
  }

  write(options: ScanTableOptions, write: (piece: string) => void): void {
    const { widths, marks } = this;
    const c = pc.createColors(options.color);
    const keys = [...this.rows.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
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
    if (this.ports > 0)
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
      for (const row of this.rows.get(key)!) {
        const mark = row[0];
        // Colour is applied after padding, so the escapes never upset the alignment.
        out(line(row.slice(3).split('\0'), [mark === 'c' ? c.dim : mark === 'v' ? c.yellow : plain, c.dim, row[1] === 'r' ? c.cyan : plain, plain, c.dim]));
      }
    }
    out('');
    out(`${plural(this.ports, 'port')} in ${plural(this.files, 'file')}`);
    // Only the marks the table uses are explained.
    const legend = [
      marks.has('container') ? '(5432): a container port, not published on this machine' : '',
      marks.has('variable') ? '$VAR: a port from a variable that has no value' : '',
      marks.has('reference') ? "→ project/service: another project's port" : '',
    ].filter(Boolean);
    if (legend.length) out(c.dim(`Legend: PORT is the port on this machine; ${legend.join('; ')}.`));
    write(buffer);
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

import pc from 'picocolors';
import type { ScanResult } from '../scan/scan.js';
import { maxOf } from '../util/arrays.js';

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
  const c = pc.createColors(options.color);
  const groups = new Map<string, ScanResult['ports']>();
  for (const p of result.ports) {
    const key = p.project ?? '';
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const keys = [...groups.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  const marks = new Set<'container' | 'variable' | 'reference'>();
  const grouped = keys.map((key) => {
    const rows = groups.get(key)!.map((p) => {
      const mark = p.published !== null ? null : p.resolved ? 'container' : 'variable';
      if (mark) marks.add(mark);
      if (p.referencedProject) marks.add('reference');
      const port = mark === null ? `${p.published}${p.publishedEnd ? `-${p.publishedEnd}` : ''}` : mark === 'container' ? `(${p.target})` : `$${p.variable}`;
      const who = p.referencedProject ? `→ ${p.referencedProject}/${p.service}` : (p.service ?? p.composeService ?? '');
      const cells = [port, p.kind, who, `${p.file}:${p.line}:${p.column}`, p.raw.length > 60 ? p.raw.slice(0, 57) + '...' : p.raw];
      // Colour is applied after padding, so the escapes never upset the alignment.
      const paint = [
        mark === 'container' ? c.dim : mark === 'variable' ? c.yellow : (s: string) => s,
        c.dim,
        p.referencedProject ? c.cyan : (s: string) => s,
        (s: string) => s,
        c.dim,
      ];
      return { cells, paint };
    });
    return { key, rows };
  });
  const all = grouped.flatMap((g) => g.rows.map((r) => r.cells));
  const widths = [0, 1, 2, 3].map((col) =>
    Math.max(
      HEADER[col]!.length,
      maxOf(all, (r) => r[col]!.length),
    ),
  );
  const line = (cells: string[], paint: ((s: string) => string)[]) =>
    `  ${cells.map((cell, col) => paint[col]!(col < 4 ? cell.padEnd(widths[col]!) : cell)).join('  ')}`.trimEnd();

  const out: string[] = [];
  if (all.length > 0)
    out.push(
      c.bold(
        line(
          HEADER,
          HEADER.map(() => (s: string) => s),
        ),
      ),
    );
  for (const { key, rows } of grouped) {
    out.push(c.bold(key === '' ? '(no project)' : key));
    for (const r of rows) out.push(line(r.cells, r.paint));
  }
  out.push('', `${plural(result.ports.length, 'port')} in ${plural(result.files.length, 'file')}`);
  // Only the marks the table uses are explained.
  const legend = [
    marks.has('container') ? '(5432): a container port, not published on this machine' : '',
    marks.has('variable') ? '$VAR: a port from a variable that has no value' : '',
    marks.has('reference') ? "→ project/service: another project's port" : '',
  ].filter(Boolean);
  if (legend.length) out.push(c.dim(`Legend: PORT is the port on this machine; ${legend.join('; ')}.`));
  return out.join('\n') + '\n';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

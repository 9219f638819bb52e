import type { ScanResult } from '../scan/scan.js';
import { maxOf } from '../util/arrays.js';

/** The inventory for people: grouped by project, one line per port. */
export function formatScanTable(result: ScanResult): string {
  const groups = new Map<string, ScanResult['ports']>();
  for (const p of result.ports) {
    const key = p.project ?? '';
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const out: string[] = [];
  const keys = [...groups.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  for (const key of keys) {
    const ports = groups.get(key)!;
    out.push(key === '' ? '(no project)' : key);
    const rows = ports.map((p) => {
      const port = p.published !== null ? `${p.published}${p.publishedEnd ? `-${p.publishedEnd}` : ''}` : p.resolved ? `(${p.target})` : `$${p.variable}`;
      const who = p.referencedProject ? `→ ${p.referencedProject}/${p.service}` : (p.service ?? p.composeService ?? '');
      return [port, p.kind, who, `${p.file}:${p.line}:${p.column}`, p.raw.length > 60 ? p.raw.slice(0, 57) + '...' : p.raw];
    });
    const widths = [0, 1, 2, 3].map((c) => maxOf(rows, (r) => r[c]!.length));
    for (const r of rows) out.push(`  ${r.map((cell, c) => (c < 4 ? cell.padEnd(widths[c]!) : cell)).join('  ')}`.trimEnd());
  }
  out.push('', `${plural(result.ports.length, 'port')} in ${plural(result.files.length, 'file')}`);
  return out.join('\n') + '\n';
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

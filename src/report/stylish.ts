import pc from 'picocolors';
import { compareFindings, countBySeverity, type Finding } from '../findings.js';
import { maxOf } from '../util/arrays.js';

export interface StylishOptions {
  color: boolean;
  /** How many files were checked: with no findings, one line says so (nothing at all reads like a hang or a crash). */
  filesChecked?: number;
}

/**
 * Findings grouped by file, one line each (line:column, severity, message, rule),
 * then a summary line: the shape people know from ESLint.
 */
export function formatStylish(findings: readonly Finding[], options: StylishOptions): string {
  const c = pc.createColors(options.color);
  if (findings.length === 0) {
    const n = options.filesChecked;
    return n === undefined ? '' : `${c.green(`0 problems in ${n} file${n === 1 ? '' : 's'}`)}\n`;
  }
  const byFile = new Map<string, Finding[]>();
  for (const f of [...findings].sort(compareFindings)) {
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  const out: string[] = [];
  for (const [file, list] of byFile) {
    out.push(c.underline(file));
    const posWidth = maxOf(list, (f) => `${f.line}:${f.column}`.length);
    for (const f of list) {
      const pos = `${f.line}:${f.column}`.padEnd(posWidth);
      const sev = f.severity === 'error' ? c.red('error  ') : c.yellow('warning');
      out.push(`  ${c.dim(pos)}  ${sev}  ${f.message}  ${c.dim(f.ruleId)}`);
      for (const r of f.related ?? []) {
        out.push(`  ${' '.repeat(posWidth)}           ${c.dim(`↳ ${r.file}:${r.line}:${r.column}${r.message ? ` ${r.message}` : ''}`)}`);
      }
    }
    out.push('');
  }
  const { errors, warnings } = countBySeverity(findings);
  const total = errors + warnings;
  const summary = `✖ ${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`;
  out.push(errors > 0 ? c.bold(c.red(summary)) : c.bold(c.yellow(summary)));
  const fixableErrors = findings.filter((f) => (f as { fixable?: boolean }).fixable && f.severity === 'error').length;
  const fixableWarnings = findings.filter((f) => (f as { fixable?: boolean }).fixable && f.severity === 'warning').length;
  if (fixableErrors + fixableWarnings > 0) {
    out.push(
      c.bold(
        `  ${fixableErrors} error${fixableErrors === 1 ? '' : 's'} and ${fixableWarnings} warning${fixableWarnings === 1 ? '' : 's'} potentially fixable with the \`--fix\` option.`,
      ),
    );
  }
  return out.join('\n') + '\n';
}

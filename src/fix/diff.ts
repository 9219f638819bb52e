import { createTwoFilesPatch } from 'diff';
import pc from 'picocolors';

/** A unified diff of planned changes, coloured on a terminal. */
export function unifiedDiff(files: { file: string; before: Buffer; after: Buffer; created?: boolean }[], options: { color: boolean }): string {
  const c = pc.createColors(options.color);
  const out: string[] = [];
  for (const f of files) {
    if (f.before.equals(f.after) && !f.created) continue;
    const patch = createTwoFilesPatch(f.created ? '/dev/null' : `a/${f.file}`, `b/${f.file}`, f.before.toString('utf8'), f.after.toString('utf8'), '', '', {
      context: 3,
    });
    for (const raw of patch.split('\n').slice(1)) {
      // jsdiff ends the ---/+++ lines with a tab before the (empty) header.
      const line = raw.startsWith('---') || raw.startsWith('+++') ? raw.replace(/\t$/, '') : raw;
      if (line.startsWith('+++') || line.startsWith('---')) out.push(c.bold(line));
      else if (line.startsWith('+')) out.push(c.green(line));
      else if (line.startsWith('-')) out.push(c.red(line));
      else if (line.startsWith('@@')) out.push(c.cyan(line));
      else out.push(line);
    }
  }
  return out.join('\n').replace(/\n*$/, '\n');
}

/**
 * The `env` target: the port variables of a project's `.env.example`, inside `# portreg:start` /
 * `# portreg:end`. One comment line with the service and its purpose, then `VAR=port`, per
 * service that has a variable in the registry (a service without `env` has nothing to set).
 */
import { appendAtEnd, splitLines, type StringEdit } from './markers.js';
import { banner, type ProjectView } from './view.js';

export const ENV_FILE = '.env.example';

export function envBody(project: ProjectView): string[] {
  const lines = [`# ${banner('env')}`];
  for (const s of project.services) {
    if (!s.env) continue;
    const protocols = s.protocols.length === 1 && s.protocols[0] === 'tcp' ? '' : ` (${s.protocols.join(', ')})`;
    lines.push(`# ${s.name}: ${oneLine(s.purpose)}${protocols}`);
    lines.push(`${s.env}=${s.port}`);
  }
  return lines;
}

/** The variables the block sets: lines outside it that set them are taken over. */
export function envKeys(project: ProjectView): Set<string> {
  return new Set(project.services.flatMap((s) => (s.env ? [s.env] : [])));
}

const ASSIGNMENT = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=/;

/**
 * First run in an existing file: lines that set one of the block's variables (`API_PORT=5000`,
 * `export API_PORT=5000`) are removed, and the block takes the place of the first of them, so
 * a variable is never set twice; with none of them in the file, the block goes at the end,
 * after the hand-written lines (a header comment at the top stays the header).
 */
export function placeEnvRegion(text: string, block: string, eol: string, keys: Set<string>): StringEdit[] {
  const taken: StringEdit[] = [];
  for (const line of splitLines(text)) {
    // A BOM stays where it is: only the line after it goes.
    const start = line.start === 0 && text.startsWith('\uFEFF') ? 1 : line.start;
    const m = ASSIGNMENT.exec(text.slice(start, line.contentEnd));
    if (m && keys.has(m[1]!)) taken.push({ start, end: line.end, text: '' });
  }
  if (taken.length === 0) return [appendAtEnd(text, block, eol)];
  const [first, ...rest] = taken;
  // The last line of the file may lack a line break; the block then keeps the file without one.
  const lastWithout = first!.end === text.length && !text.endsWith('\n');
  return [{ ...first!, text: lastWithout ? block.slice(0, block.length - eol.length) : block }, ...rest];
}

/** A purpose is one line of a comment, whatever was registered. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

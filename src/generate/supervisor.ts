/**
 * The `supervisor` target: `.supervisor-specific/ports.json` and `.supervisor-specific/PORTS.md`
 * in each project folder, whole files: the project's range, its allocated ports and the
 * registry's reservations, so that whoever works in the project can check its range there.
 * Deterministic (no dates), so they change only when the registry does.
 */
import { formatRange, reservationRange, type Registry } from '../registry/types.js';
import { MARKERS } from './markers.js';
import { oneLine } from './env.js';
import { banner, localUrl, portLabel, type ProjectView } from './view.js';
import { SUPERVISOR_DIR, SUPERVISOR_JSON, SUPERVISOR_MD } from './judged-files.js';

// The names live with mayJudgeAny, which lint loads without the generators.
export { SUPERVISOR_DIR, SUPERVISOR_JSON, SUPERVISOR_MD };

function reservations(registry: Registry) {
  return (registry.reserved ?? []).map((r) => ({
    range: reservationRange(r),
    reason: r.reason,
    severity: r.severity ?? 'error',
    owner: r.owner ?? null,
    protocol: r.protocol ?? null,
  }));
}

export function supervisorJson(project: ProjectView, registry: Registry): string {
  const doc = {
    $comment: banner('supervisor'),
    project: project.name,
    range: project.range,
    services: project.services.map((s) => ({
      service: s.name,
      port: s.port,
      protocol: s.protocols,
      purpose: s.purpose,
      env: s.env,
      composeService: s.composeService,
      containerPort: s.containerPort,
    })),
    reserved: reservations(registry),
  };
  // One line per service and per reservation, as in the registry: one change is a one-line diff.
  const list = (items: unknown[]) => (items.length ? `[\n${items.map((i) => `    ${JSON.stringify(i)}`).join(',\n')}\n  ]` : '[]');
  return (
    [
      '{',
      `  "$comment": ${JSON.stringify(doc.$comment)},`,
      `  "project": ${JSON.stringify(doc.project)},`,
      `  "range": ${JSON.stringify(doc.range)},`,
      `  "services": ${list(doc.services)},`,
      `  "reserved": ${list(doc.reserved)}`,
      '}',
    ].join('\n') + '\n'
  );
}

function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|') || '-';
}

/**
 * The same facts for people. The whole file is a generated region, so the Markdown rules
 * never judge its tables when a `docs` glob picks it up.
 */
export function supervisorMarkdown(project: ProjectView, registry: Registry): string {
  const lines = [
    MARKERS.markdown.start,
    `<!-- ${banner('supervisor')} -->`,
    '',
    `# Ports of project ${project.name}`,
    '',
    `Range: **${formatRange(project.range)}** (${project.range.to - project.range.from + 1} ports, ${project.services.length} allocated). Take new ports from this range only, through \`portreg allocate --project ${project.name}\` or the MCP tool \`allocate_port\`.`,
    '',
    '## Allocated',
    '',
  ];
  if (project.services.length === 0) lines.push('No ports are allocated yet.');
  else {
    lines.push('| Service | Port | Purpose | Env variable | Container port | Local URL |', '|---|---|---|---|---|---|');
    for (const s of project.services) {
      const url = localUrl(s);
      lines.push(
        `| ${cell(s.name)} | ${portLabel(s)} | ${cell(s.purpose)} | ${s.env ? `\`${s.env}\`` : '-'} | ${s.containerPort ?? '-'} | ${url ? `<${url}>` : '-'} |`,
      );
    }
  }
  lines.push('', '## Reserved', '', 'Never used by a project (error), or avoided unless asked for (warning).', '');
  const reserved = reservations(registry);
  if (reserved.length === 0) lines.push('No reservations.');
  else {
    lines.push('| Ports | Reason | Severity | Owner |', '|---|---|---|---|');
    for (const r of reserved)
      lines.push(`| ${formatRange(r.range)}${r.protocol ? `/${r.protocol}` : ''} | ${cell(r.reason)} | ${r.severity} | ${r.owner ? cell(r.owner) : '-'} |`);
  }
  lines.push('', MARKERS.markdown.end);
  return lines.join('\n') + '\n';
}

/** A generated file as the diff shows it. */
interface Shown {
  file: string;
  target: string;
  before: Buffer;
  after: Buffer;
  created?: boolean;
}

/**
 * The lines of a generated supervisor file that list the registry's reservations (the same in
 * every project's file): from the `"reserved"` key or the `## Reserved` heading to the closing
 * line. Null when the text is not shaped so (edited by hand): then nothing is folded.
 */
function reservationSection(text: string, json: boolean): { start: number; end: number } | null {
  const lines = text.split('\n');
  const start = json ? lines.findIndex((l) => l.startsWith('  "reserved": ')) : lines.indexOf('## Reserved');
  const end = lines.lastIndexOf(json ? '}' : MARKERS.markdown.end);
  return start === -1 || end <= start ? null : { start, end };
}

function withSection(text: string, json: boolean, replacement: string | null): { section: string; text: string } | null {
  const at = reservationSection(text, json);
  if (!at) return null;
  const lines = text.split('\n');
  const section = lines.slice(at.start, at.end).join('\n');
  return { section, text: replacement === null ? text : [...lines.slice(0, at.start), replacement, ...lines.slice(at.end)].join('\n') };
}

/**
 * For people reading a diff of many projects: the reservation lists of the supervisor files are
 * the same in every project, so a change to them (or a file created with them) is shown once, at
 * the first file; the other files show one line in their place, and a file whose only change is
 * its reservations is left out and named in `folded`. Other files pass unchanged.
 */
export function foldRepeatedReservations<F extends Shown>(files: F[]): { files: F[]; folded: { file: string; as: string }[] } {
  const first = new Map<string, string>();
  const out: F[] = [];
  const folded: { file: string; as: string }[] = [];
  for (const f of files) {
    const json = f.file.endsWith('.json');
    const after = f.target === 'supervisor' ? withSection(f.after.toString('utf8'), json, null) : null;
    const before = f.created ? { section: '', text: '' } : after ? withSection(f.before.toString('utf8'), json, null) : null;
    if (!after || !before) {
      out.push(f);
      continue;
    }
    const key = `${json}\0${before.section}\0${after.section}`;
    const as = first.get(key);
    if (as === undefined) {
      first.set(key, f.file);
      out.push(f);
      continue;
    }
    const line = json ? `  "reserved": "(the same as in ${as})"` : `(the reservations: the same as in ${as})`;
    const shownBefore = f.created ? '' : withSection(f.before.toString('utf8'), json, line)!.text;
    const shownAfter = withSection(f.after.toString('utf8'), json, line)!.text;
    if (!f.created && shownBefore === shownAfter) folded.push({ file: f.file, as });
    else out.push({ ...f, before: Buffer.from(shownBefore), after: Buffer.from(shownAfter) });
  }
  return { files: out, folded };
}

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

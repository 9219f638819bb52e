/**
 * Read-only views of a registry, shared by `portreg list`, `portreg who` and the MCP server.
 */
import { registrableRange } from './slots.js';
import { isFreeForNewService, requireProject, type PortInfo } from './allocator.js';
import { formatRange, inRange, rangeSize, reservationRange, serviceProtocols, type Registry } from './types.js';

/** Projects (all, or the one asked for) by range, each with its services by port. */
export function listing(registry: Registry, only?: string) {
  if (only) requireProject(registry, only);
  return Object.entries(registry.projects)
    .filter(([name]) => !only || name === only)
    .sort(([, a], [, b]) => a.range.from - b.range.from)
    .map(([name, p]) => {
      const services = Object.entries(p.services ?? {})
        .sort(([, a], [, b]) => a.port - b.port)
        .map(([service, s]) => ({
          service,
          port: s.port,
          protocol: serviceProtocols(s.protocol),
          purpose: s.purpose,
          env: s.env ?? null,
          composeService: s.composeService ?? service,
          containerPort: s.containerPort ?? null,
        }));
      const used = services.filter((s) => inRange(s.port, p.range)).length;
      return { project: name, range: p.range, path: p.path ?? null, size: rangeSize(p.range), used, services };
    });
}

export type ProjectListing = ReturnType<typeof listing>[number];

/**
 * How many ports of a project's range (slot 0's block, with slots) a new (tcp) service could still be given, as the allocator
 * judges them: not registered, not reserved for someone else (nor to avoid), not in quarantine.
 */
export function portsLeft(registry: Registry, projectName: string, context: { now: Date }): number {
  const project = requireProject(registry, projectName);
  // With slots, only slot 0's block takes new services.
  const { from, to } = registrableRange(project);
  let left = 0;
  for (let port = from; port <= to; port++) if (isFreeForNewService(registry, projectName, port, context)) left++;
  return left;
}

/** What the registry says about a port, one line per fact (the text of `portreg who`). */
export function describePortLines(registry: Registry, info: PortInfo): string[] {
  const port = info.port;
  const lines: string[] = [];
  for (const o of info.owners) {
    lines.push(`${port}/${o.protocol.join(',')}: service "${o.service}" of project "${o.project}" (${o.purpose})`);
  }
  for (const r of info.reservations) {
    const sev = (r.severity ?? 'error') === 'error' ? 'reserved' : 'to avoid';
    lines.push(`${port}: ${sev}: ${r.reason} (${formatRange(reservationRange(r))}${r.owner ? `, for ${r.owner}` : ''})`);
  }
  if (info.quarantine) {
    const q = info.quarantine;
    lines.push(`${port}: in quarantine until ${q.until} (${q.what} by service "${q.service}" of project "${q.project}" on ${q.since})`);
  }
  if (info.rangeOf) {
    const r = registry.projects[info.rangeOf]!.range;
    lines.push(`${port}: in the range of project "${info.rangeOf}" (${formatRange(r)})${info.owners.length ? '' : ', not allocated'}`);
  }
  if (info.free && !info.rangeOf) lines.push(`${port}: free (no project's range holds it)`);
  return lines;
}

import type { Finding, Location, Severity } from '../findings.js';
import type { JsonDocument, JsonPath } from './json-document.js';
import { PortIndex, portKey } from './port-index.js';
import { registrableRange } from './slots.js';
import { DEFAULT_PROJECT_SPACE, formatRange, inRange, rangeSize, serviceProtocols, type PortRange, type Registry } from './types.js';

/** Everything the semantic checks need to point at places in the file. */
export interface CheckContext {
  file: string;
  doc: JsonDocument;
  now: Date;
}

/**
 * Checks beyond the schema: ranges and ports that contradict each other.
 * Each finding names both sides, with the other side as a related location.
 * Assumes the data passed schema validation.
 */
export function checkRegistrySemantics(registry: Registry, ctx: CheckContext): Finding[] {
  const findings: Finding[] = [];
  const at = (path: JsonPath, key = false): Location => ({ file: ctx.file, ...ctx.doc.locationAt(path, { key }) });
  const report = (ruleId: string, severity: Severity, path: JsonPath, message: string, related: Location[] = []) => {
    findings.push({ ruleId, severity, message, ...at(path), ...(related.length ? { related } : {}) });
  };

  const projectNames = Object.keys(registry.projects);
  const space = registry.projectSpace ?? DEFAULT_PROJECT_SPACE;

  // Ranges that run backwards make every other check meaningless for them.
  const validRange = (r: PortRange, path: JsonPath): boolean => {
    if (r.from <= r.to) return true;
    report('registry-range-invalid', 'error', path, `range ${r.from}-${r.to} runs backwards: "from" must not be greater than "to"`);
    return false;
  };
  if (registry.projectSpace) validRange(registry.projectSpace, ['projectSpace']);
  // The index leaves out reservations whose range runs backwards, as every other check does.
  (registry.reserved ?? []).forEach((r, index) => {
    if (r.range) validRange(r.range, ['reserved', index, 'range']);
  });
  // Not the cached index: a registry being checked may be a draft its caller goes on editing.
  const ports = new PortIndex(registry);
  const goodProjects = projectNames.filter((name) => validRange(registry.projects[name]!.range, ['projects', name, 'range']));
  const goodProjectSet = new Set(goodProjects);

  // Overlapping project ranges: sort by start and sweep, so a large registry stays fast.
  const sorted = [...goodProjects].sort((a, b) => registry.projects[a]!.range.from - registry.projects[b]!.range.from);
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    const ra = registry.projects[a]!.range;
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j]!;
      const rb = registry.projects[b]!.range;
      if (rb.from > ra.to) break;
      report(
        'registry-range-overlap',
        'error',
        ['projects', b, 'range'],
        `range ${formatRange(rb)} of project "${b}" overlaps range ${formatRange(ra)} of project "${a}"`,
        [{ ...at(['projects', a, 'range']), message: `range of project "${a}"` }],
      );
    }
  }

  for (const name of goodProjects) {
    const project = registry.projects[name]!;
    const range = project.range;
    if (range.from < space.from || range.to > space.to) {
      report(
        'registry-range-outside-space',
        'warning',
        ['projects', name, 'range'],
        `range ${formatRange(range)} of project "${name}" lies outside the project space ${formatRange(space)}`,
      );
    }
    for (const { reservation: r, index, range: rr } of ports.reservedInRange(range, name)) {
      report(
        'registry-range-reserved',
        'error',
        ['projects', name, 'range'],
        `range ${formatRange(range)} of project "${name}" ${rr.from === rr.to ? 'holds reserved port' : 'overlaps reserved range'} ${formatRange(rr)} (${r.reason})`,
        [{ ...at(['reserved', index]), message: `reservation: ${r.reason}` }],
      );
    }
  }

  // Slots: each checkout's ports are the registered ones moved by k * width, so every service
  // must lie within the first width ports of the range, or slot 1 of one would be another's slot 0.
  for (const name of goodProjects) {
    const project = registry.projects[name]!;
    const width = project.slots?.width;
    if (width === undefined) continue;
    if (width > rangeSize(project.range)) {
      report(
        'registry-slots-invalid',
        'error',
        ['projects', name, 'slots', 'width'],
        `slot width ${width} of project "${name}" is wider than its range ${formatRange(project.range)} (${rangeSize(project.range)} ports): not even slot 0 fits`,
      );
      continue;
    }
    for (const [serviceName, service] of Object.entries(project.services ?? {})) {
      const offset = service.port - project.range.from;
      // A port outside the range is registry-port-outside-range's finding already.
      if (inRange(service.port, registrableRange(project)) || !inRange(service.port, project.range)) continue;
      report(
        'registry-slot-overflow',
        'error',
        ['projects', name, 'services', serviceName, 'port'],
        `port ${service.port} of service "${serviceName}" of project "${name}" is ${offset} ports from the range start, beyond the slot width ${width}: slot 1 would give another service's port; move it below ${project.range.from + width} (portreg reassign) or widen the slots`,
        [{ ...at(['projects', name, 'slots', 'width']), message: `slot width of project "${name}"` }],
      );
    }
  }

  // Ports: outside their range, on a reservation, or given twice.
  for (const name of projectNames) {
    const project = registry.projects[name]!;
    const envOwners = new Map<string, string>();
    const composeKeys = new Map<string, string>();
    for (const [serviceName, service] of Object.entries(project.services ?? {})) {
      const portPath: JsonPath = ['projects', name, 'services', serviceName, 'port'];
      const label = `service "${serviceName}" of project "${name}"`;
      if (goodProjectSet.has(name) && !inRange(service.port, project.range)) {
        report(
          'registry-port-outside-range',
          'error',
          portPath,
          `port ${service.port} of ${label} is outside the project's range ${formatRange(project.range)}`,
          [{ ...at(['projects', name, 'range']), message: `range of project "${name}"` }],
        );
      }
      for (const { reservation: r, index, range: rr, severity } of ports.reservationsFor(service.port, name, serviceProtocols(service.protocol))) {
        report(
          'registry-port-reserved',
          severity,
          portPath,
          `port ${service.port} of ${label} is ${severity === 'error' ? 'reserved' : 'one to avoid'}: ${r.reason} (${formatRange(rr)})`,
          [{ ...at(['reserved', index]), message: `reservation: ${r.reason}` }],
        );
      }
      for (const protocol of serviceProtocols(service.protocol)) {
        const key = portKey(service.port, protocol);
        const first = ports.ownerOf(service.port, protocol)!;
        if (first.project !== name || first.service !== serviceName) {
          report(
            'registry-port-duplicate',
            'error',
            portPath,
            `port ${key} of ${label} is already given to service "${first.service}" of project "${first.project}"`,
            [{ ...at(['projects', first.project, 'services', first.service, 'port']), message: `first allocation of ${key}` }],
          );
        }
        const held = ports.quarantineHold(service.port, protocol, ctx.now);
        if (held && !(held.project === name && held.service === serviceName)) {
          report(
            'registry-port-quarantined',
            'warning',
            portPath,
            `port ${key} of ${label} was ${held.what} by service "${held.service}" of project "${held.project}" on ${held.since} and is in quarantine until ${held.until}: docs may still point there`,
            [{ ...at(held.path), message: 'the earlier use' }],
          );
        }
      }
      if (service.env) {
        const other = envOwners.get(service.env);
        if (other) {
          report(
            'registry-env-duplicate',
            'error',
            ['projects', name, 'services', serviceName, 'env'],
            `env variable ${service.env} of ${label} is already carried by service "${other}"`,
            [{ ...at(['projects', name, 'services', other, 'env']), message: `env of service "${other}"` }],
          );
        } else {
          envOwners.set(service.env, serviceName);
        }
      }
      // Several entries for one compose service must be told apart by container port and protocol.
      const composeService = service.composeService ?? serviceName;
      for (const protocol of serviceProtocols(service.protocol)) {
        const key = `${composeService}|${service.containerPort ?? '?'}|${protocol}`;
        const other = composeKeys.get(key);
        if (other) {
          report(
            'registry-service-ambiguous',
            'warning',
            ['projects', name, 'services', serviceName],
            `services "${other}" and "${serviceName}" of project "${name}" both map to compose service "${composeService}"${service.containerPort ? ` and container port ${service.containerPort}` : ''}: give each a distinct "containerPort"`,
            [{ ...at(['projects', name, 'services', other]), message: `service "${other}"` }],
          );
        } else {
          composeKeys.set(key, serviceName);
        }
      }
    }
  }

  // Two projects claiming one folder make every file's owner ambiguous.
  const paths = new Map<string, string>();
  for (const name of projectNames) {
    const p = registry.projects[name]!.path;
    if (p === undefined) continue;
    const normalized = normalizeProjectPath(p);
    const other = paths.get(normalized);
    if (other) {
      report('registry-path-duplicate', 'error', ['projects', name, 'path'], `path "${p}" of project "${name}" is already the path of project "${other}"`, [
        { ...at(['projects', other, 'path']), message: `path of project "${other}"` },
      ]);
    } else {
      paths.set(normalized, name);
    }
  }
  return findings;
}

export function normalizeProjectPath(p: string): string {
  // Most paths are already normal: no regular expressions for them (a scan maps thousands).
  if (p !== '' && !p.includes('\\') && !p.startsWith('./') && !p.endsWith('/')) return p;
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '') || '.';
}

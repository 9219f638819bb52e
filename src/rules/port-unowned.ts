import { protocolOf } from '../protocol.js';
import type { PortFact } from '../scan/scan.js';
import { at, localAddressOf, replacePort } from '../scan/facts.js';
import type { RuleIndex } from './rule-index.js';
import { fleetRule, type RuleContext, type RuleFinding } from './types.js';

/**
 * A local address (`http://localhost:4100`, `127.0.0.1:5432`, `psql -h localhost -p 5432`,
 * `docker ps` output) in a README, an env template or a compose value whose port nobody has: no
 * registered service holds it and no compose file of the fleet publishes it. Such an address
 * leads nowhere, or to whatever project takes the port next. Ports that a service had before are
 * docs-stale's and reference-stale's; ports of other projects' services are references.
 */
export const portUnowned = fleetRule(
  {
    id: 'port-unowned',
    defaultSeverity: 'warning',
    description:
      'A local address (localhost, 127.0.0.1, [::1], host.docker.internal) in a README, an env template or a compose value names a port that no registered service holds and no compose file publishes.',
    fixable: true,
    scope: 'fleet',
  },
  () => {
    // Kept of each group: the ports its compose files publish, and the local addresses whose port
    // the registry gives no one (the few that may lead nowhere), with the service each evidently
    // means (found within its own project, so within its group).
    const published = new Set<number>();
    const candidates: { p: PortFact; host: string; owner: EvidentOwner | undefined }[] = [];
    const none = new Set<number>();
    return {
      add: (context) => {
        const { scan, index } = context;
        addPublishedPorts(scan.ports, published);
        let byContainerPort: Map<string, Set<string>> | undefined;
        for (const p of scan.ports) {
          if ((p.kind !== 'url' && p.kind !== 'mention') || p.published === null) continue;
          // Whose port first: cheap, and in a tree in order every port has someone, so no address is read.
          if (unownedPorts(p, index, none).length === 0) continue;
          const host = localAddressOf(p);
          if (!host) continue;
          // In a compose value, 0.0.0.0 is what a process binds inside its container: a container port.
          if (p.source === 'compose' && (host === '0.0.0.0' || host === '::')) continue;
          byContainerPort ??= servicesByContainerPort(scan.ports);
          candidates.push({ p, host, owner: p.publishedEnd === null ? evidentOwner(p, context, byContainerPort) : undefined });
        }
      },
      finish: (context) => {
        const findings: RuleFinding[] = [];
        for (const { p, host, owner } of candidates) {
          const nobodys = unownedPorts(p, context.index, published);
          if (nobodys.length === 0) continue;
          const port = nobodys[0]!;
          const fix = owner ? replacePort(p, owner.port) : undefined;
          const what = p.publishedEnd === null ? `port ${port}` : `port ${port} of the range ${p.published}-${p.publishedEnd}`;
          const head = `${host}:${port} leads nowhere: ${what} is held by no registered service and published by no compose file`;
          findings.push({
            ...at(p),
            message: owner
              ? `${head}; service "${owner.service}" of project "${p.project}" (${owner.why}) is on ${owner.port}`
              : `${head}: point it at the service it means, or register the port (portreg allocate)`,
            key: `${p.project}|${p.file}|${port}`,
            ...(fix ? { fix } : {}),
          });
        }
        return findings;
      },
    };
  },
);

/** Adds every host port these compose facts publish (whatever its protocol). */
function addPublishedPorts(ports: readonly PortFact[], out: Set<number>): void {
  for (const p of ports) {
    if (p.source !== 'compose' || p.kind !== 'published' || !p.resolved || p.published === null) continue;
    for (let port = p.published; port <= (p.publishedEnd ?? p.published); port++) out.add(port);
  }
}

/**
 * The ports of the fact that nobody has. A port a service had before is left to docs-stale and
 * reference-stale, and a reserved port is accounted for by its reservation.
 */
function unownedPorts(p: PortFact, index: RuleIndex, published: Set<number>): number[] {
  const out: number[] = [];
  const last = p.publishedEnd ?? p.published!;
  for (let port = p.published!; port <= last; port++) {
    if (published.has(port) || index.ownerOf(port, p.protocol) || index.previousOwnersOf(port).length > 0) continue;
    if (index.ports.reservationsFor({ from: port, to: port }, p.project, [protocolOf(p.protocol)]).length > 0) continue;
    out.push(port);
  }
  return out;
}

/** The registry services each project's compose files map a container port to (`5100:4100`: api), by `project|port`. */
function servicesByContainerPort(ports: readonly PortFact[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const f of ports) {
    if (f.source !== 'compose' || f.kind !== 'published' || !f.project || !f.service || f.target === null || f.targetEnd !== null) continue;
    const key = `${f.project}|${f.target}`;
    out.set(key, (out.get(key) ?? new Set()).add(f.service));
  }
  return out;
}

interface EvidentOwner {
  service: string;
  port: number;
  why: string;
}

/**
 * The one service of the file's project the address evidently means: the service that advertises
 * it (the scanner ties an advertised address to its compose service), the service whose container
 * port it is (`4000:4100` and a README that says 4100), or the service whose variable names it
 * (`API_URL` and `API_PORT`, or `${API_PORT:-4000}`). Several candidates: no fix.
 */
function evidentOwner(p: PortFact, { registry }: Pick<RuleContext, 'registry'>, byContainerPort: Map<string, Set<string>>): EvidentOwner | undefined {
  if (!p.project) return undefined;
  const services = registry.projects[p.project]?.services ?? {};
  const port = p.published!;
  const why = new Map<string, string>();
  const add = (service: string | null, reason: string) => {
    if (service && services[service] && !why.has(service)) why.set(service, reason);
  };
  add(p.service, 'it advertises this address');
  for (const [name, s] of Object.entries(services)) {
    if (s.containerPort === port) add(name, `its container port is ${port}`);
  }
  for (const service of byContainerPort.get(`${p.project}|${port}`) ?? []) add(service, `its container port is ${port}`);
  const stem = variableStem(p.variable);
  if (stem) {
    for (const [name, s] of Object.entries(services)) {
      if (s.env === p.variable || (s.env && variableStem(s.env) === stem) || normalName(name) === stem) add(name, `${p.variable} is its variable`);
    }
  }
  if (why.size !== 1) return undefined;
  const [service, reason] = [...why][0]!;
  return { service, port: services[service]!.port, why: reason };
}

/** `API_URL`, `API_BASE_URL`, `API_PORT` → `API`: what a variable is about. */
function variableStem(variable: string | null): string | null {
  if (!variable) return null;
  return variable.toUpperCase().replace(/_(?:BASE_URL|PUBLIC_URL|URL|URI|HOST|ADDR|ADDRESS|ENDPOINT|ORIGIN|PORT)$/, '') || null;
}

function normalName(service: string): string {
  return service.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

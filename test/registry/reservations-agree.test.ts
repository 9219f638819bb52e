/**
 * One reservation policy (registry/port-index.ts): the allocator, the lint rules (port-reserved,
 * port-legacy), the registry's own checks and `init --import`'s plan give the same answer for the
 * same reservation. A reservation without a protocol covers every protocol; a port written
 * without one (an env value, `"5060:5060"`, a request without a protocol) is tcp, as Compose
 * defaults it; a reservation's owner may use it; severity is error unless it says warning.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planImport } from '../../src/adopt/plan-import.js';
import { PortregError } from '../../src/errors.js';
import { lint } from '../../src/lint/lint.js';
import { addProject, allocatePort, type AllocationRequest } from '../../src/registry/allocator.js';
import { portsLeft } from '../../src/registry/listing.js';
import { loadRegistry, parseRegistryText } from '../../src/registry/load.js';
import { serializeRegistry } from '../../src/registry/serialize.js';
import type { Project, Registry, Reservation } from '../../src/registry/types.js';
import { scan } from '../../src/scan/scan.js';
import { tempDir } from '../helpers/cli.js';

const NOW = new Date('2026-11-25T12:00:00Z');

function registryWith(reserved: Reservation[], projects: Record<string, Project>): Registry {
  return { version: 1, rangeSize: 100, projectSpace: { from: 5000, to: 32767 }, quarantineDays: 30, reserved, projects };
}

/** The allocator's answer: the port and its warnings, or the refusal. */
function allocate(registry: Registry, request: Omit<AllocationRequest, 'purpose'>): string {
  try {
    const r = allocatePort(registry, { ...request, purpose: 'test' }, { now: NOW });
    return [String(r.port), ...r.warnings].join('; ');
  } catch (e) {
    if (e instanceof PortregError) return `refused ${e.code}: ${e.message}`;
    throw e;
  }
}

/** `registry check`: the semantic findings of the registry as written. */
function check(registry: Registry): string[] {
  const loaded = parseRegistryText(serializeRegistry(registry), '/tree/ports.registry.json', { now: NOW, cwd: '/tree' });
  return loaded.findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.ruleId}: ${f.message}`);
}

async function withTree<T>(files: Record<string, string>, use: (root: string) => Promise<T>): Promise<T> {
  const { dir, cleanup } = await tempDir('portreg-agree-');
  try {
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), text);
    }
    return await use(dir);
  } finally {
    await cleanup();
  }
}

/** `portreg lint` of a tree with this registry. */
function lintTree(registry: Registry, files: Record<string, string>): Promise<string[]> {
  return withTree({ ...files, 'ports.registry.json': serializeRegistry(registry) }, async (root) => {
    const loaded = await loadRegistry(path.join(root, 'ports.registry.json'), { now: NOW });
    const result = await lint({ root, registry: loaded });
    return result.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId}: ${f.message}`);
  });
}

/** `init --import`'s plan for a tree, with these reservations in the fresh registry. */
function importTree(reserved: Reservation[], files: Record<string, string>): Promise<string[]> {
  return withTree(files, async (root) => {
    const plan = planImport(await scan({ root, registry: null }), registryWith(reserved, {}), { now: NOW, rootName: 'tree' });
    return plan.projects.map(
      (p) =>
        `${p.project} ${p.range.from}-${p.range.to}${p.kept ? ' kept' : ''}: ${p.services.map((s) => `${s.service}${s.protocol ? `/${s.protocol}` : ''} ${s.old}->${s.new}`).join(', ')}`,
    );
  });
}

const compose = (...services: [string, string][]) =>
  `services:\n${services.map(([name, port]) => `  ${name}:\n    image: x\n    ports:\n      - "${port}"\n`).join('')}`;

describe('a udp-only reservation (error) on 5060', () => {
  const SIP: Reservation[] = [{ port: 5060, reason: 'SIP trunk', protocol: 'udp' }];
  const voip = (services: Project['services'] = {}): Record<string, Project> => ({ voip: { range: { from: 5000, to: 5099 }, path: 'voip', services } });

  it('allocator: 5060/tcp may be taken, 5060/udp is refused', () => {
    expect(allocate(registryWith(SIP, voip()), { project: 'voip', service: 'sip', port: 5060 })).toBe('5060');
    expect(allocate(registryWith(SIP, voip()), { project: 'voip', service: 'sip', port: 5060, protocol: 'udp' })).toBe(
      'refused port-reserved: port 5060 is reserved: SIP trunk (5060)',
    );
    // What `list` (MCP) says is left for a new service is what allocate would give.
    expect(portsLeft(registryWith(SIP, voip()), 'voip', { now: NOW })).toBe(100);
  });

  it('lint: SIP_PORT=5060 in an env template is tcp, not reserved; "5060:5060/udp" in a compose file is', async () => {
    const registry = registryWith(SIP, voip({ sip: { port: 5060, purpose: 'SIP', env: 'SIP_PORT' } }));
    expect(
      await lintTree(registry, {
        'voip/.env.example': 'SIP_PORT=5060\n',
        'voip/docker-compose.yml': compose(['sip', '${SIP_PORT:-5060}:5060'], ['trunk', '5060:5060/udp']),
      }),
    ).toEqual([
      // Browsers refuse 5060 whatever the registry says (port-unsafe); only the udp port is reserved.
      'voip/.env.example:1:10 warning port-unsafe: port 5060 is one to avoid: browsers refuse to connect to it',
      'voip/docker-compose.yml:5:22 warning port-unsafe: port 5060 is one to avoid: browsers refuse to connect to it',
      'voip/docker-compose.yml:9:10 error port-reserved: port 5060 is reserved: SIP trunk (5060)',
      'voip/docker-compose.yml:9:10 warning port-unsafe: port 5060 is one to avoid: browsers refuse to connect to it',
    ]);
  });

  it('registry check: a tcp service on 5060 is fine, a udp one is on a reserved port', () => {
    expect(check(registryWith(SIP, voip({ sip: { port: 5060, purpose: 'SIP' } })))).toEqual([]);
    expect(check(registryWith(SIP, voip({ sip: { port: 5060, purpose: 'SIP', protocol: 'udp' } })))).toEqual([
      '14:26 error registry-port-reserved: port 5060 of service "sip" of project "voip" is reserved: SIP trunk (5060)',
    ]);
  });

  it("a project's range may hold 5060 (its tcp is the project's): project add, registry check and the import agree", async () => {
    expect(addProject(registryWith(SIP, {}), { name: 'voip' }).range).toEqual({ from: 5000, to: 5099 });
    expect(check(registryWith(SIP, voip()))).toEqual([]);
    expect(await importTree(SIP, { 'voip/docker-compose.yml': compose(['sip', '5060:5060']) })).toEqual(['voip 5000-5099 kept: sip 5060->5060']);
    expect(await importTree(SIP, { 'voip/docker-compose.yml': compose(['sip', '5060:5060/udp']) })).toEqual(['voip 5100-5199: sip/udp 5060->5160']);
  });
});

describe('a reservation with an owner (8000-8099 for the supervisor)', () => {
  const SUPERVISOR: Reservation[] = [{ range: { from: 8000, to: 8099 }, reason: 'Supervisor infrastructure', owner: 'supervisor' }];
  const supervisor: Project = { range: { from: 8000, to: 8099 }, path: 'supervisor', services: { mcp: { port: 8001, purpose: 'MCP' } } };

  it('allocator: the owner gets its ports, another project with a range there gets none', () => {
    const registry = registryWith(SUPERVISOR, { supervisor, other: { range: { from: 8000, to: 8099 }, services: {} } });
    expect(allocate(registry, { project: 'supervisor', service: 'web' })).toBe('8000');
    expect(allocate(registry, { project: 'supervisor', service: 'web', port: 8051 })).toBe('8051');
    expect(allocate(registry, { project: 'other', service: 'web', port: 8051 })).toBe(
      'refused port-reserved: port 8051 is reserved: Supervisor infrastructure (8000-8099)',
    );
    expect(allocate(registry, { project: 'other', service: 'web' })).toBe(
      // 8001 is the supervisor's: taken, not counted as reserved.
      'refused range-full: project other: range 8000-8099 is full (0 of 100 used; 99 reserved or to avoid)',
    );
    expect(portsLeft(registry, 'supervisor', { now: NOW })).toBe(99);
    expect(portsLeft(registry, 'other', { now: NOW })).toBe(0);
    expect(addProject(registryWith(SUPERVISOR, {}), { name: 'supervisor', range: { from: 8000, to: 8099 } }).range).toEqual({ from: 8000, to: 8099 });
    expect(() => addProject(registryWith(SUPERVISOR, {}), { name: 'other', range: { from: 8000, to: 8099 } })).toThrow('overlaps reserved range 8000-8099');
  });

  it("lint: the owner's ports are fine, another project's are reserved", async () => {
    const registry = registryWith(SUPERVISOR, { supervisor, billing: { range: { from: 5000, to: 5099 }, path: 'billing', services: {} } });
    expect(
      await lintTree(registry, {
        'supervisor/docker-compose.yml': compose(['mcp', '8001:80']),
        'billing/docker-compose.yml': compose(['admin', '8051:80']),
      }),
    ).toEqual(['billing/docker-compose.yml:5:10 error port-reserved: port 8051 is reserved: Supervisor infrastructure (8000-8099), for supervisor']);
  });

  it("registry check: the owner's range and ports are fine, another project's are not", () => {
    expect(check(registryWith(SUPERVISOR, { supervisor }))).toEqual([]);
    expect(check(registryWith(SUPERVISOR, { other: { ...supervisor, path: 'other' } }))).toEqual([
      '11:16 error registry-range-reserved: range 8000-8099 of project "other" overlaps reserved range 8000-8099 (Supervisor infrastructure)',
      '14:26 error registry-port-reserved: port 8001 of service "mcp" of project "other" is reserved: Supervisor infrastructure (8000-8099)',
    ]);
  });

  it('init --import: the owner keeps its block and ports, another project moves out', async () => {
    expect(await importTree(SUPERVISOR, { 'supervisor/docker-compose.yml': compose(['mcp', '8001:80']) })).toEqual([
      'supervisor 8000-8099 kept: mcp 8001->8001',
    ]);
    expect(await importTree(SUPERVISOR, { 'billing/docker-compose.yml': compose(['admin', '8051:80']) })).toEqual(['billing 5000-5099: admin 8051->5051']);
  });
});

describe('a reservation of severity warning (5000-5009 to avoid)', () => {
  const LEGACY: Reservation[] = [{ range: { from: 5000, to: 5009 }, reason: 'Legacy dashboards', severity: 'warning' }];
  const billing = (services: Project['services'] = {}): Record<string, Project> => ({
    billing: { range: { from: 5000, to: 5099 }, path: 'billing', services },
  });

  it('allocator: skipped when choosing, taken with a warning when asked for', () => {
    expect(allocate(registryWith(LEGACY, billing()), { project: 'billing', service: 'web' })).toBe('5010');
    expect(portsLeft(registryWith(LEGACY, billing()), 'billing', { now: NOW })).toBe(90);
    expect(allocate(registryWith(LEGACY, billing()), { project: 'billing', service: 'web', port: 5003 })).toBe(
      '5003; port 5003 is one to avoid: Legacy dashboards (5000-5009); taking it because it was asked for',
    );
    // A range may hold ports to avoid.
    expect(addProject(registryWith(LEGACY, {}), { name: 'billing' }).range).toEqual({ from: 5000, to: 5099 });
  });

  it('lint: port-legacy warns, port-reserved says nothing', async () => {
    const registry = registryWith(LEGACY, billing({ web: { port: 5003, purpose: 'Web' } }));
    expect(await lintTree(registry, { 'billing/docker-compose.yml': compose(['web', '5003:80']) })).toEqual([
      'billing/docker-compose.yml:5:10 warning port-legacy: port 5003 is in a range to avoid: Legacy dashboards (5000-5009)',
      'ports.registry.json:14:26 warning registry-port-reserved: port 5003 of service "web" of project "billing" is one to avoid: Legacy dashboards (5000-5009)',
    ]);
  });

  it('registry check: a warning, not an error', () => {
    expect(check(registryWith(LEGACY, billing({ web: { port: 5003, purpose: 'Web' } })))).toEqual([
      '14:26 warning registry-port-reserved: port 5003 of service "web" of project "billing" is one to avoid: Legacy dashboards (5000-5009)',
    ]);
  });

  it('init --import: no service is left on a port to avoid', async () => {
    expect(await importTree(LEGACY, { 'billing/docker-compose.yml': compose(['web', '5003:80'], ['api', '5050:80']) })).toEqual([
      'billing 5100-5199: web 5003->5103, api 5050->5150',
    ]);
  });
});

describe('a udp-only reservation of severity warning (5080/udp to avoid)', () => {
  const MEDIA: Reservation[] = [{ port: 5080, reason: 'Media relay', severity: 'warning', protocol: 'udp' }];
  const media = (services: Project['services'] = {}): Record<string, Project> => ({ media: { range: { from: 5000, to: 5099 }, path: 'media', services } });

  it('allocator: 5080/tcp is free, 5080/udp is one to avoid', () => {
    expect(allocate(registryWith(MEDIA, media()), { project: 'media', service: 'web', port: 5080 })).toBe('5080');
    expect(allocate(registryWith(MEDIA, media()), { project: 'media', service: 'rtp', port: 5080, protocol: 'udp' })).toBe(
      '5080; port 5080 is one to avoid: Media relay (5080); taking it because it was asked for',
    );
  });

  it('lint: WEB_PORT=5080 in an env template is tcp, no warning; "5080:5080/udp" gets one', async () => {
    const registry = registryWith(MEDIA, media({ web: { port: 5080, purpose: 'Web', env: 'WEB_PORT' } }));
    expect(
      await lintTree(registry, {
        'media/.env.example': 'WEB_PORT=5080\n',
        'media/docker-compose.yml': compose(['web', '${WEB_PORT:-5080}:80'], ['rtp', '5080:5080/udp']),
      }),
    ).toEqual([
      'media/docker-compose.yml:9:10 warning port-legacy: port 5080 is in a range to avoid: Media relay (5080)',
      'media/docker-compose.yml:9:10 error port-unregistered: port 5080 is not registered for project "media": ask for a port first (portreg allocate --project media --service rtp --purpose "...")',
    ]);
  });

  it('registry check and init --import: tcp on 5080 stays, udp does not', async () => {
    expect(check(registryWith(MEDIA, media({ web: { port: 5080, purpose: 'Web' } })))).toEqual([]);
    expect(await importTree(MEDIA, { 'media/.env.example': 'WEB_PORT=5080\n', 'media/README.md': '# Media\n' })).toEqual([
      'media 5000-5099 kept: web 5080->5080',
    ]);
    expect(await importTree(MEDIA, { 'media/docker-compose.yml': compose(['rtp', '5080:5080/udp']) })).toEqual(['media 5100-5199: rtp/udp 5080->5180']);
  });
});

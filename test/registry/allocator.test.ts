/**
 * The allocator as pure functions: no files, no clock (every call gets its `now`).
 */
import { describe, expect, it } from 'vitest';
import { ExitCode, PortregError } from '../../src/errors.js';
import { addProject, allocatePort, describePort, releaseService, type AllocationRequest } from '../../src/registry/allocator.js';
import { DEFAULT_RESERVATIONS } from '../../src/registry/defaults.js';
import { reassignService } from '../../src/registry/moves.js';
import type { Project, Registry, Reservation, Service } from '../../src/registry/types.js';

// ---------------------------------------------------------------------------------------------
// Helpers

const T0 = new Date('2025-01-01T00:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
const at = (days: number, extraMs = 0) => new Date(T0.getTime() + days * DAY + extraMs);

/** A small registry: no reservations unless asked for, one empty project "billing" at 5000-5099. */
function makeRegistry(over: Partial<Registry> = {}): Registry {
  return {
    version: 1,
    rangeSize: 100,
    projectSpace: { from: 5000, to: 32767 },
    quarantineDays: 30,
    reserved: [],
    projects: { billing: { range: { from: 5000, to: 5099 }, services: {} } },
    ...over,
  };
}

function project(from: number, to: number, services: Record<string, Service> = {}, extra: Partial<Project> = {}): Project {
  return { range: { from, to }, ...extra, services };
}

/** `count` services s<port> on consecutive ports from `from`, skipping `except`. */
function servicesOn(from: number, to: number, except: number[] = []): Record<string, Service> {
  const services: Record<string, Service> = {};
  for (let p = from; p <= to; p++) if (!except.includes(p)) services[`s${p}`] = { port: p, purpose: `service on ${p}` };
  return services;
}

function req(service: string, extra: Partial<AllocationRequest> = {}): AllocationRequest {
  return { project: 'billing', service, purpose: `the ${service}`, ...extra };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Runs fn, which must throw a PortregError; returns it. */
function thrown(fn: () => unknown): PortregError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PortregError) return e;
    throw e;
  }
  throw new Error('expected a PortregError, but nothing was thrown');
}

/** fn must be refused (exit 1) with exactly this code and message. */
function expectRefusal(fn: () => unknown, code: string, message: string) {
  expect(fn).toThrow(message);
  const e = thrown(fn);
  expect(e).toBeInstanceOf(PortregError);
  expect(e.message).toBe(message);
  expect(e.code).toBe(code);
  expect(e.exitCode).toBe(ExitCode.Refused);
  expect(e.exitCode).toBe(1);
  return e;
}

/** fn must fail as a usage error (exit 2) with exactly this code and message. */
function expectUsageError(fn: () => unknown, code: string, message: string) {
  const e = thrown(fn);
  expect(e.message).toBe(message);
  expect(e.code).toBe(code);
  expect(e.exitCode).toBe(ExitCode.Usage);
  expect(e.exitCode).toBe(2);
  return e;
}

// ---------------------------------------------------------------------------------------------

describe('allocatePort: boundaries', () => {
  it('gives the first port of the range to the first service', () => {
    const r = allocatePort(makeRegistry(), req('api', { purpose: 'REST API', env: 'API_PORT' }), { now: T0 });
    expect(r).toEqual({
      registry: makeRegistry({
        projects: { billing: project(5000, 5099, { api: { port: 5000, purpose: 'REST API', env: 'API_PORT' } }) },
      }),
      project: 'billing',
      service: 'api',
      port: 5000,
      range: { from: 5000, to: 5099 },
      created: true,
      skippedLive: [],
      warnings: [],
    });
  });

  it('gives the lowest free port, not the one after the highest taken', () => {
    const reg = makeRegistry({ projects: { billing: project(5000, 5099, { a: { port: 5000, purpose: 'a' }, c: { port: 5002, purpose: 'c' } }) } });
    expect(allocatePort(reg, req('b'), { now: T0 }).port).toBe(5001);
    const reg2 = makeRegistry({ projects: { billing: project(5000, 5099, { c: { port: 5050, purpose: 'c' } }) } });
    expect(allocatePort(reg2, req('b'), { now: T0 }).port).toBe(5000);
  });

  it('gives the last port of the range when all the others are taken', () => {
    const reg = makeRegistry({ projects: { billing: project(5000, 5099, servicesOn(5000, 5098)) } });
    const r = allocatePort(reg, req('last'), { now: T0 });
    expect(r.port).toBe(5099);
    expect(r.created).toBe(true);
    expect(r.registry.projects.billing!.services!.last).toEqual({ port: 5099, purpose: 'the last' });
    expect(Object.keys(r.registry.projects.billing!.services!)).toHaveLength(100);
  });

  it('fills a gap in the middle when it is the only free port', () => {
    const reg = makeRegistry({ projects: { billing: project(5000, 5099, servicesOn(5000, 5099, [5042])) } });
    expect(allocatePort(reg, req('gap'), { now: T0 }).port).toBe(5042);
  });

  it('refuses with range-full when every port of the range is used', () => {
    const reg = makeRegistry({ projects: { billing: project(5000, 5099, servicesOn(5000, 5099)) } });
    const e = expectRefusal(
      () => allocatePort(reg, req('one-too-many'), { now: T0 }),
      'range-full',
      'project billing: range 5000-5099 is full (100 of 100 used)',
    );
    expect(e.details).toEqual({ project: 'billing', used: 100, size: 100 });
  });

  it('counts reserved, quarantined and live ports in the range-full message', () => {
    // 5000-5009: 5003 reserved (error), 5004 to avoid (warning), 5005 released by another service
    // three days ago, 5006 in use on the machine; the six others have services.
    const reg = makeRegistry({
      reserved: [
        { port: 5003, reason: 'Hard rule' },
        { port: 5004, reason: 'Soft rule', severity: 'warning' },
      ],
      projects: { billing: project(5000, 5009, servicesOn(5000, 5009, [5003, 5004, 5005, 5006])) },
      released: [{ project: 'billing', service: 'old', port: 5005, releasedAt: T0.toISOString() }],
    });
    const live = new Set(['5006/tcp']);
    const e = expectRefusal(
      () => allocatePort(reg, req('new'), { now: at(3), livePorts: live }),
      'range-full',
      'project billing: range 5000-5009 is full (6 of 10 used; 2 reserved or to avoid, 1 in quarantine, 1 in use on this machine)',
    );
    expect(e.details).toEqual({ project: 'billing', used: 6, size: 10 });
  });

  it('counts only the kinds present in the range-full message', () => {
    const reg = makeRegistry({
      reserved: [{ range: { from: 5000, to: 5001 }, reason: 'Hard rule' }],
      projects: { billing: project(5000, 5009, servicesOn(5002, 5009)) },
    });
    expectRefusal(
      () => allocatePort(reg, req('new'), { now: T0 }),
      'range-full',
      'project billing: range 5000-5009 is full (8 of 10 used; 2 reserved or to avoid)',
    );
    const reg2 = makeRegistry({
      projects: { billing: project(5000, 5009, servicesOn(5000, 5008)) },
      released: [{ project: 'billing', service: 'gone', port: 5009, releasedAt: T0.toISOString() }],
    });
    expectRefusal(
      () => allocatePort(reg2, req('new'), { now: at(1) }),
      'range-full',
      'project billing: range 5000-5009 is full (9 of 10 used; 1 in quarantine)',
    );
  });

  it('counts the reservations of the protocol asked for in the range-full message', () => {
    // Every port of the range is reserved for udp only: a udp service finds none, a tcp one finds 5000.
    const reg = makeRegistry({
      reserved: [{ range: { from: 5000, to: 5009 }, reason: 'Media streams', protocol: 'udp' }],
      projects: { billing: project(5000, 5009) },
    });
    expect(allocatePort(reg, req('web'), { now: T0 }).port).toBe(5000);
    expectRefusal(
      () => allocatePort(reg, req('rtp', { protocol: 'udp' }), { now: T0 }),
      'range-full',
      'project billing: range 5000-5009 is full (0 of 10 used; 10 reserved or to avoid)',
    );
  });

  it('takes an explicit port at either end of the range', () => {
    expect(allocatePort(makeRegistry(), req('first', { port: 5000 }), { now: T0 }).port).toBe(5000);
    const r = allocatePort(makeRegistry(), req('last', { port: 5099 }), { now: T0 });
    expect(r.port).toBe(5099);
    expect(r.warnings).toEqual([]);
    expect(r.registry.projects.billing!.services).toEqual({ last: { port: 5099, purpose: 'the last' } });
  });

  it('refuses an explicit port one past the end of the range', () => {
    expectRefusal(
      () => allocatePort(makeRegistry(), req('api', { port: 5100 }), { now: T0 }),
      'port-out-of-range',
      'port 5100 is outside the range 5000-5099 of project "billing"',
    );
  });

  it('refuses an explicit port one before the start of the range', () => {
    expectRefusal(
      () => allocatePort(makeRegistry(), req('api', { port: 4999 }), { now: T0 }),
      'port-out-of-range',
      'port 4999 is outside the range 5000-5099 of project "billing"',
    );
  });

  it('rejects an explicit value that is not a port number as a usage error', () => {
    expectUsageError(() => allocatePort(makeRegistry(), req('api', { port: 0 }), { now: T0 }), 'port-invalid', 'port 0 is not a port number (1-65535)');
    expectUsageError(() => allocatePort(makeRegistry(), req('api', { port: 65536 }), { now: T0 }), 'port-invalid', 'port 65536 is not a port number (1-65535)');
    expectUsageError(
      () => allocatePort(makeRegistry(), req('api', { port: 5000.5 }), { now: T0 }),
      'port-invalid',
      'port 5000.5 is not a port number (1-65535)',
    );
  });
});

describe('allocatePort: reserved ports', () => {
  it('skips a port reserved as an error', () => {
    const reg = makeRegistry({ reserved: [{ port: 5000, reason: 'Hard rule' }] });
    expect(allocatePort(reg, req('api'), { now: T0 }).port).toBe(5001);
  });

  it('skips a whole reserved range', () => {
    const reg = makeRegistry({ reserved: [{ range: { from: 5000, to: 5009 }, reason: 'Lab equipment' }] });
    expect(allocatePort(reg, req('api'), { now: T0 }).port).toBe(5010);
  });

  it('refuses an explicit port reserved as an error, naming the reason', () => {
    const reg = makeRegistry({
      reserved: [
        { port: 5003, reason: 'Hard rule' },
        { range: { from: 5010, to: 5019 }, reason: 'Lab equipment', severity: 'error' },
      ],
    });
    const e = expectRefusal(() => allocatePort(reg, req('api', { port: 5003 }), { now: T0 }), 'port-reserved', 'port 5003 is reserved: Hard rule (5003)');
    expect(e.details).toEqual({ port: 5003 });
    expectRefusal(() => allocatePort(reg, req('api', { port: 5015 }), { now: T0 }), 'port-reserved', 'port 5015 is reserved: Lab equipment (5010-5019)');
  });

  it('skips a warning-severity port (5000, AirPlay) but takes it with a warning when asked for', () => {
    const reg = makeRegistry({ reserved: structuredClone(DEFAULT_RESERVATIONS) });
    const auto = allocatePort(reg, req('api'), { now: T0 });
    expect(auto.port).toBe(5001);
    expect(auto.warnings).toEqual([]);

    const explicit = allocatePort(reg, req('api', { port: 5000 }), { now: T0 });
    expect(explicit.port).toBe(5000);
    expect(explicit.created).toBe(true);
    expect(explicit.warnings).toEqual(['port 5000 is one to avoid: macOS AirPlay receiver (5000); taking it because it was asked for']);
    expect(explicit.registry.projects.billing!.services!.api).toEqual({ port: 5000, purpose: 'the api' });
  });

  it("skips the browsers' bad ports of the default reservations (5060, 5061)", () => {
    const reg = makeRegistry({
      reserved: structuredClone(DEFAULT_RESERVATIONS),
      projects: { billing: project(5000, 5099, servicesOn(5001, 5059)) },
    });
    expect(allocatePort(reg, req('api'), { now: T0 }).port).toBe(5062);
  });

  it('does not block a project with a reservation it owns', () => {
    const owned: Reservation[] = [{ range: { from: 5000, to: 5009 }, reason: 'Billing hardware', owner: 'billing' }];
    const r = allocatePort(makeRegistry({ reserved: owned }), req('api'), { now: T0 });
    expect(r.port).toBe(5000);
    expect(allocatePort(makeRegistry({ reserved: owned }), req('api', { port: 5005 }), { now: T0 }).warnings).toEqual([]);

    const othersReservation: Reservation[] = [{ range: { from: 5000, to: 5009 }, reason: 'Supervisor hardware', owner: 'supervisor' }];
    expect(allocatePort(makeRegistry({ reserved: othersReservation }), req('api'), { now: T0 }).port).toBe(5010);
    expectRefusal(
      () => allocatePort(makeRegistry({ reserved: othersReservation }), req('api', { port: 5005 }), { now: T0 }),
      'port-reserved',
      'port 5005 is reserved: Supervisor hardware (5000-5009)',
    );
  });

  it('applies a protocol-specific reservation to that protocol only', () => {
    const reg = makeRegistry({ reserved: [{ port: 5000, reason: 'Syslog relay', protocol: 'udp' }] });
    expect(allocatePort(reg, req('web'), { now: T0 }).port).toBe(5000);
    expect(allocatePort(reg, req('web', { protocol: 'tcp' }), { now: T0 }).port).toBe(5000);
    expect(allocatePort(reg, req('rtp', { protocol: 'udp' }), { now: T0 }).port).toBe(5001);
    expect(allocatePort(reg, req('both', { protocol: ['tcp', 'udp'] }), { now: T0 }).port).toBe(5001);
    expectRefusal(
      () => allocatePort(reg, req('rtp', { protocol: 'udp', port: 5000 }), { now: T0 }),
      'port-reserved',
      'port 5000 is reserved: Syslog relay (5000)',
    );
  });
});

describe('allocatePort: taken ports and uniqueness per port and protocol', () => {
  it('skips ports held by other services', () => {
    const reg = makeRegistry({ projects: { billing: project(5000, 5099, servicesOn(5000, 5004)) } });
    expect(allocatePort(reg, req('api'), { now: T0 }).port).toBe(5005);
  });

  it('allows 53/udp for one service and 53/tcp for another', () => {
    const reg = makeRegistry({
      projectSpace: { from: 1, to: 65535 },
      projects: { infra: project(50, 59, { resolver: { port: 53, purpose: 'DNS over UDP', protocol: 'udp' } }) },
    });
    const r = allocatePort(reg, { project: 'infra', service: 'zone-transfer', purpose: 'DNS over TCP', port: 53 }, { now: T0 });
    expect(r.port).toBe(53);
    expect(r.warnings).toEqual([]);
    expect(r.registry.projects.infra!.services).toEqual({
      resolver: { port: 53, purpose: 'DNS over UDP', protocol: 'udp' },
      'zone-transfer': { port: 53, purpose: 'DNS over TCP' },
    });
    // Automatically, too: 50/tcp is the lowest free, and 53/tcp is free for tcp.
    const auto = allocatePort(
      makeRegistry({ projects: { infra: project(53, 59, { resolver: { port: 53, purpose: 'DNS', protocol: 'udp' } }) } }),
      { project: 'infra', service: 'tcp-side', purpose: 'DNS over TCP' },
      { now: T0 },
    );
    expect(auto.port).toBe(53);
    // But 53/udp again is refused, naming its owner.
    expectRefusal(
      () => allocatePort(r.registry, { project: 'infra', service: 'other', purpose: 'x', port: 53, protocol: 'udp' }, { now: T0 }),
      'port-taken',
      'port 53 is taken by service "resolver" of project "infra"',
    );
  });

  it('a service holding ["tcp", "udp"] blocks both protocols', () => {
    const reg = makeRegistry({
      projects: { billing: project(5000, 5099, { media: { port: 5000, purpose: 'Media', protocol: ['tcp', 'udp'] } }) },
    });
    expect(allocatePort(reg, req('web'), { now: T0 }).port).toBe(5001);
    expect(allocatePort(reg, req('rtp', { protocol: 'udp' }), { now: T0 }).port).toBe(5001);
    expect(allocatePort(reg, req('sctp', { protocol: 'sctp' }), { now: T0 }).port).toBe(5000);
    expectRefusal(() => allocatePort(reg, req('web', { port: 5000 }), { now: T0 }), 'port-taken', 'port 5000 is taken by service "media" of project "billing"');
    expectRefusal(
      () => allocatePort(reg, req('rtp', { port: 5000, protocol: 'udp' }), { now: T0 }),
      'port-taken',
      'port 5000 is taken by service "media" of project "billing"',
    );
  });

  it('records the protocol only when it is not plain tcp', () => {
    const tcp = allocatePort(makeRegistry(), req('a', { protocol: 'tcp' }), { now: T0 });
    expect(tcp.registry.projects.billing!.services!.a).toEqual({ port: 5000, purpose: 'the a' });
    const tcpList = allocatePort(makeRegistry(), req('a', { protocol: ['tcp'] }), { now: T0 });
    expect(tcpList.registry.projects.billing!.services!.a).toEqual({ port: 5000, purpose: 'the a' });
    const udp = allocatePort(makeRegistry(), req('a', { protocol: 'udp' }), { now: T0 });
    expect(udp.registry.projects.billing!.services!.a).toEqual({ port: 5000, purpose: 'the a', protocol: 'udp' });
    const both = allocatePort(makeRegistry(), req('a', { protocol: ['tcp', 'udp'] }), { now: T0 });
    expect(both.registry.projects.billing!.services!.a).toEqual({ port: 5000, purpose: 'the a', protocol: ['tcp', 'udp'] });
  });

  it('records composeService only when it differs from the service name, and containerPort', () => {
    const r = allocatePort(makeRegistry(), req('db', { composeService: 'postgres', containerPort: 5432, env: 'DATABASE_PORT' }), { now: T0 });
    expect(r.registry.projects.billing!.services!.db).toEqual({
      port: 5000,
      purpose: 'the db',
      env: 'DATABASE_PORT',
      composeService: 'postgres',
      containerPort: 5432,
    });
    const same = allocatePort(makeRegistry(), req('db', { composeService: 'db' }), { now: T0 });
    expect(same.registry.projects.billing!.services!.db).toEqual({ port: 5000, purpose: 'the db' });
  });

  it('refuses an explicit port taken by another service, naming the owner', () => {
    const reg = makeRegistry({
      projects: {
        billing: project(5000, 5099, { api: { port: 5001, purpose: 'REST API' } }),
        // A misplaced port of another project inside billing's range still counts.
        search: project(5100, 5199, { stray: { port: 5007, purpose: 'misplaced' } }),
      },
    });
    const e = expectRefusal(
      () => allocatePort(reg, req('web', { port: 5001 }), { now: T0 }),
      'port-taken',
      'port 5001 is taken by service "api" of project "billing"',
    );
    expect(e.details).toEqual({ port: 5001 });
    expectRefusal(() => allocatePort(reg, req('web', { port: 5007 }), { now: T0 }), 'port-taken', 'port 5007 is taken by service "stray" of project "search"');
  });
});

describe('allocatePort: idempotency', () => {
  const reg = makeRegistry({
    projects: { billing: project(5000, 5099, { api: { port: 5001, purpose: 'REST API', env: 'API_PORT' } }) },
  });

  it('returns the existing port for the same project and service, unchanged registry object', () => {
    const r = allocatePort(reg, req('api', { purpose: 'something else', env: 'OTHER' }), { now: T0 });
    expect(r).toEqual({
      registry: reg,
      project: 'billing',
      service: 'api',
      port: 5001,
      range: { from: 5000, to: 5099 },
      created: false,
      skippedLive: [],
      // The repeat is answered with what is registered, and says where the request differs.
      warnings: ['service "api" is registered with env API_PORT, not OTHER'],
    });
    expect(r.registry).toBe(reg);
  });

  it('is idempotent with the same explicit port', () => {
    const r = allocatePort(reg, req('api', { port: 5001 }), { now: T0 });
    expect(r.created).toBe(false);
    expect(r.port).toBe(5001);
    expect(r.registry).toBe(reg);
  });

  it('allocating twice in a row gives the same port once', () => {
    const first = allocatePort(makeRegistry(), req('api'), { now: T0 });
    const second = allocatePort(first.registry, req('api'), { now: T0 });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.port).toBe(first.port);
    expect(second.registry).toBe(first.registry);
  });

  it('is idempotent even when the existing port is live on the machine right now', () => {
    const r = allocatePort(reg, req('api'), { now: T0, livePorts: new Set(['5001/tcp']) });
    expect(r.port).toBe(5001);
    expect(r.created).toBe(false);
    expect(r.skippedLive).toEqual([]);
  });

  it('refuses the same service with another explicit port, pointing at reassign', () => {
    const e = expectRefusal(
      () => allocatePort(reg, req('api', { port: 5005 }), { now: T0 }),
      'service-has-port',
      'service "api" of project "billing" already has port 5001; to move it to 5005, use "portreg reassign --project billing --service api --port 5005"',
    );
    expect(e.details).toEqual({ project: 'billing', service: 'api', port: 5001 });
  });

  it('gives successive services successive ports', () => {
    let registry = makeRegistry();
    const ports: number[] = [];
    for (const s of ['api', 'web', 'worker']) {
      const r = allocatePort(registry, req(s), { now: T0 });
      ports.push(r.port);
      registry = r.registry;
    }
    expect(ports).toEqual([5000, 5001, 5002]);
  });
});

describe('allocatePort: env variables', () => {
  const reg = makeRegistry({
    projects: {
      billing: project(5000, 5099, { api: { port: 5001, purpose: 'REST API', env: 'API_PORT' } }),
      search: project(5100, 5199),
    },
  });

  it('refuses an env variable already carried by another service of the project', () => {
    expectRefusal(
      () => allocatePort(reg, req('web', { env: 'API_PORT' }), { now: T0 }),
      'env-taken',
      'env variable API_PORT already carries the port of service "api" of project "billing": choose another name',
    );
  });

  it('allows the same env variable in another project', () => {
    const r = allocatePort(reg, { project: 'search', service: 'api', purpose: 'Search API', env: 'API_PORT' }, { now: T0 });
    expect(r.port).toBe(5100);
    expect(r.registry.projects.search!.services).toEqual({ api: { port: 5100, purpose: 'Search API', env: 'API_PORT' } });
  });
});

describe('allocatePort: ports in use on this machine', () => {
  it('skips live ports and lists them in skippedLive', () => {
    const r = allocatePort(makeRegistry(), req('api'), { now: T0, livePorts: new Set(['5000/tcp', '5001/tcp', '5003/tcp']) });
    expect(r.port).toBe(5002);
    expect(r.skippedLive).toEqual([5000, 5001]);
    expect(r.warnings).toEqual([]);
  });

  it('only counts a live port for the protocols asked for', () => {
    const live = new Set(['5000/udp']);
    expect(allocatePort(makeRegistry(), req('api'), { now: T0, livePorts: live })).toMatchObject({ port: 5000, skippedLive: [] });
    expect(allocatePort(makeRegistry(), req('rtp', { protocol: 'udp' }), { now: T0, livePorts: live })).toMatchObject({
      port: 5001,
      skippedLive: [5000],
    });
  });

  it('does not report a live port that is already blocked for another reason', () => {
    const reg = makeRegistry({
      reserved: [{ port: 5000, reason: 'Hard rule' }],
      projects: { billing: project(5000, 5099, { web: { port: 5001, purpose: 'web' } }) },
    });
    const r = allocatePort(reg, req('api'), { now: T0, livePorts: new Set(['5000/tcp', '5001/tcp', '5002/tcp']) });
    expect(r.port).toBe(5003);
    expect(r.skippedLive).toEqual([5002]);
  });

  it('takes an explicit live port with a warning', () => {
    const r = allocatePort(makeRegistry(), req('api', { port: 5000 }), { now: T0, livePorts: new Set(['5000/tcp']) });
    expect(r.port).toBe(5000);
    expect(r.created).toBe(true);
    expect(r.skippedLive).toEqual([]);
    expect(r.warnings).toEqual(['port 5000 is in use on this machine right now; taking it because it was asked for']);
  });
});

describe('quarantine: release, then allocate again', () => {
  const withApi = () =>
    makeRegistry({
      projects: { billing: project(5000, 5099, { api: { port: 5000, purpose: 'REST API', env: 'API_PORT' } }) },
    });

  it('release removes the service and records the release', () => {
    const r = releaseService(withApi(), 'billing', 'api', { now: T0 });
    expect(r.port).toBe(5000);
    expect(r.registry.projects.billing!.services).toEqual({});
    expect(r.registry.released).toEqual([{ project: 'billing', service: 'api', port: 5000, env: 'API_PORT', releasedAt: '2025-01-01T00:00:00.000Z' }]);
  });

  it('release records the protocol of the service', () => {
    const reg = makeRegistry({
      projects: { billing: project(5000, 5099, { media: { port: 5007, purpose: 'Media', protocol: ['tcp', 'udp'] } }) },
    });
    expect(releaseService(reg, 'billing', 'media', { now: T0 }).registry.released).toEqual([
      { project: 'billing', service: 'media', port: 5007, protocol: ['tcp', 'udp'], releasedAt: '2025-01-01T00:00:00.000Z' },
    ]);
  });

  it('another service does not get a released port during the quarantine', () => {
    const released = releaseService(withApi(), 'billing', 'api', { now: T0 }).registry;
    expect(allocatePort(released, req('web'), { now: at(0) }).port).toBe(5001);
    expect(allocatePort(released, req('web'), { now: at(1) }).port).toBe(5001);
    expect(allocatePort(released, req('web'), { now: at(30, -1) }).port).toBe(5001);
    const e = expectRefusal(
      () => allocatePort(released, req('web', { port: 5000 }), { now: at(10) }),
      'port-quarantine',
      'port 5000 was released by service "api" of project "billing" on 2025-01-01 and is in quarantine until 2025-01-31',
    );
    expect(e.details).toEqual({ port: 5000 });
  });

  it('another service gets the released port once quarantineDays have passed', () => {
    const released = releaseService(withApi(), 'billing', 'api', { now: T0 }).registry;
    const r = allocatePort(released, req('web'), { now: at(30) });
    expect(r.port).toBe(5000);
    expect(allocatePort(released, req('web', { port: 5000 }), { now: at(31) }).warnings).toEqual([]);
  });

  it('honours a shorter quarantineDays', () => {
    const reg = withApi();
    reg.quarantineDays = 7;
    const released = releaseService(reg, 'billing', 'api', { now: T0 }).registry;
    expect(allocatePort(released, req('web'), { now: at(7, -1) }).port).toBe(5001);
    expect(allocatePort(released, req('web'), { now: at(7) }).port).toBe(5000);
  });

  it('a released udp port stays free for tcp', () => {
    const reg = makeRegistry({
      projects: { billing: project(5000, 5099, { rtp: { port: 5000, purpose: 'RTP', protocol: 'udp' } }) },
    });
    const released = releaseService(reg, 'billing', 'rtp', { now: T0 }).registry;
    expect(allocatePort(released, req('web'), { now: at(1) }).port).toBe(5000);
    expect(allocatePort(released, req('rtp2', { protocol: 'udp' }), { now: at(1) }).port).toBe(5001);
  });

  it('the same service allocated again gets its old port back, even with lower ports free', () => {
    const reg = makeRegistry({
      projects: { billing: project(5000, 5099, { api: { port: 5003, purpose: 'REST API', env: 'API_PORT' } }) },
    });
    const released = releaseService(reg, 'billing', 'api', { now: T0 }).registry;
    const back = allocatePort(released, req('api', { purpose: 'REST API', env: 'API_PORT' }), { now: at(2) });
    expect(back.port).toBe(5003);
    expect(back.created).toBe(true);
    // Its release record is done with: the registry is as before the release.
    expect(back.registry).toEqual(reg);
    expect('released' in back.registry).toBe(false);
  });

  it('the same service may ask for its quarantined port explicitly', () => {
    const released = releaseService(withApi(), 'billing', 'api', { now: T0 }).registry;
    const back = allocatePort(released, req('api', { port: 5000 }), { now: at(1) });
    expect(back.port).toBe(5000);
    expect(back.warnings).toEqual([]);
  });

  it('the same service comes back to its newest released port first', () => {
    const reg = makeRegistry({
      projects: { billing: project(5000, 5099) },
      released: [
        { project: 'billing', service: 'api', port: 5010, releasedAt: '2025-01-01T00:00:00.000Z' },
        { project: 'billing', service: 'api', port: 5020, releasedAt: '2025-01-05T00:00:00.000Z' },
      ],
    });
    expect(allocatePort(reg, req('api'), { now: at(10) }).port).toBe(5020);
  });

  it('keeps the quarantine of an old port when the service comes back on another one', () => {
    // api released 5000, then came back explicitly on 5005: 5000 was still released less than
    // 30 days ago, so "web" must not get it.
    const released = releaseService(withApi(), 'billing', 'api', { now: T0 }).registry;
    const back = allocatePort(released, req('api', { port: 5005 }), { now: at(1) });
    expect(back.port).toBe(5005);
    const web = allocatePort(back.registry, req('web'), { now: at(2) });
    expect(web.port).toBe(5001);
  });

  it("keeps other services' release records when a service comes back", () => {
    const reg = makeRegistry({
      projects: { billing: project(5000, 5099) },
      released: [
        { project: 'billing', service: 'api', port: 5000, releasedAt: T0.toISOString() },
        { project: 'billing', service: 'web', port: 5001, releasedAt: T0.toISOString() },
      ],
    });
    const back = allocatePort(reg, req('api'), { now: at(1) });
    expect(back.port).toBe(5000);
    expect(back.registry.released).toEqual([{ project: 'billing', service: 'web', port: 5001, releasedAt: T0.toISOString() }]);
  });

  it('quarantines a moved port (history) like a released one', () => {
    const reg = makeRegistry({
      projects: {
        billing: project(5000, 5099, {
          api: { port: 5005, purpose: 'REST API', history: [{ port: 5000, until: '2025-01-01', reason: 'clash' }] },
        }),
      },
    });
    expect(allocatePort(reg, req('web'), { now: at(29) }).port).toBe(5001);
    expectRefusal(
      () => allocatePort(reg, req('web', { port: 5000 }), { now: at(29) }),
      'port-quarantine',
      'port 5000 was moved away from by service "api" of project "billing" on 2025-01-01 and is in quarantine until 2025-01-31',
    );
    expect(allocatePort(reg, req('web'), { now: at(30) }).port).toBe(5000);
  });

  it('a history entry for the current port holds nothing', () => {
    const reg = makeRegistry({
      projects: {
        billing: project(5000, 5099, {
          api: { port: 5005, purpose: 'REST API', history: [{ port: 5005, until: '2025-01-01' }] },
        }),
      },
    });
    expect(describePort(reg, 5005, { now: at(1) }).quarantine).toBeNull();
  });

  it('keeps the quarantine of a moved port when the service is then released', () => {
    // api moved 5000 -> 5005 on T0, released on T0+1: both ports stay in quarantine.
    const reg = makeRegistry({
      projects: {
        billing: project(5000, 5099, {
          api: { port: 5005, purpose: 'REST API', history: [{ port: 5000, until: '2025-01-01' }] },
        }),
      },
    });
    const released = releaseService(reg, 'billing', 'api', { now: at(1) }).registry;
    const web = allocatePort(released, req('web'), { now: at(2) });
    expect(web.port).toBe(5001);
    expect(describePort(released, 5000, { now: at(2) }).free).toBe(false);
  });

  it('quarantineDays 0: no quarantine and no release record', () => {
    const reg = withApi();
    reg.quarantineDays = 0;
    const released = releaseService(reg, 'billing', 'api', { now: T0 });
    expect(released.port).toBe(5000);
    expect('released' in released.registry).toBe(false);
    expect(allocatePort(released.registry, req('web'), { now: T0 }).port).toBe(5000);

    const moved = makeRegistry({
      quarantineDays: 0,
      projects: { billing: project(5000, 5099, { api: { port: 5005, purpose: 'x', history: [{ port: 5000, until: '2025-01-01' }] } }) },
    });
    expect(allocatePort(moved, req('web'), { now: T0 }).port).toBe(5000);
  });

  it('quarantineDays 0 drops the release records already there', () => {
    const reg = withApi();
    reg.quarantineDays = 0;
    reg.released = [{ project: 'billing', service: 'old', port: 5050, releasedAt: T0.toISOString() }];
    expect('released' in releaseService(reg, 'billing', 'api', { now: at(1) }).registry).toBe(false);
  });

  it('defaults to 30 days when quarantineDays is absent', () => {
    const reg = withApi();
    delete reg.quarantineDays;
    const released = releaseService(reg, 'billing', 'api', { now: T0 }).registry;
    expect(allocatePort(released, req('web'), { now: at(30, -1) }).port).toBe(5001);
    expect(allocatePort(released, req('web'), { now: at(30) }).port).toBe(5000);
  });

  it('prunes expired release records on release', () => {
    const reg = makeRegistry({
      projects: {
        billing: project(5000, 5099, { api: { port: 5000, purpose: 'REST API' }, web: { port: 5001, purpose: 'web' } }),
      },
      released: [
        { project: 'billing', service: 'ancient', port: 5050, releasedAt: '2024-06-01T00:00:00.000Z' },
        { project: 'billing', service: 'expired', port: 5051, releasedAt: '2024-12-12T00:00:00.000Z' }, // exactly 30 days before
        { project: 'billing', service: 'recent', port: 5052, releasedAt: '2024-12-20T00:00:00.000Z' },
      ],
    });
    const r = releaseService(reg, 'billing', 'api', { now: new Date('2025-01-11T00:00:00.000Z') });
    expect(r.registry.released).toEqual([
      { project: 'billing', service: 'recent', port: 5052, releasedAt: '2024-12-20T00:00:00.000Z' },
      { project: 'billing', service: 'api', port: 5000, releasedAt: '2025-01-11T00:00:00.000Z' },
    ]);
  });

  it('release then allocate again round trip: release, another service, quarantine ends, port reused', () => {
    let reg = withApi();
    reg = releaseService(reg, 'billing', 'api', { now: T0 }).registry;
    const web = allocatePort(reg, req('web'), { now: at(1) });
    expect(web.port).toBe(5001);
    const worker = allocatePort(web.registry, req('worker'), { now: at(31) });
    expect(worker.port).toBe(5000);
    expect(worker.registry.projects.billing!.services).toEqual({
      web: { port: 5001, purpose: 'the web' },
      worker: { port: 5000, purpose: 'the worker' },
    });
  });
});

describe('unknown projects and services', () => {
  it('refuses an unknown project, listing the known ones', () => {
    const reg = makeRegistry({ projects: { billing: project(5000, 5099), search: project(5100, 5199) } });
    const e = expectRefusal(
      () => allocatePort(reg, { project: 'shipping', service: 'api', purpose: 'x' }, { now: T0 }),
      'project-unknown',
      'project "shipping" is unknown: register it with "portreg project add shipping" (known projects: billing, search)',
    );
    expect(e.details).toEqual({ project: 'shipping' });
    expectRefusal(
      () => releaseService(reg, 'shipping', 'api', { now: T0 }),
      'project-unknown',
      'project "shipping" is unknown: register it with "portreg project add shipping" (known projects: billing, search)',
    );
  });

  it('says when there are no projects yet', () => {
    expectRefusal(
      () => allocatePort(makeRegistry({ projects: {} }), req('api'), { now: T0 }),
      'project-unknown',
      'project "billing" is unknown: register it with "portreg project add billing" (there are no projects yet)',
    );
  });

  it('lists at most 20 known projects', () => {
    const projects: Record<string, Project> = {};
    for (let i = 0; i < 25; i++) projects[`p${i}`] = project(5000 + i * 100, 5099 + i * 100);
    const names = Array.from({ length: 20 }, (_, i) => `p${i}`).join(', ');
    expectRefusal(
      () => allocatePort(makeRegistry({ projects }), req('api'), { now: T0 }),
      'project-unknown',
      `project "billing" is unknown: register it with "portreg project add billing" (known projects: ${names}, … (25 in all))`,
    );
  });

  it("refuses to release an unknown service, listing the project's services", () => {
    const reg = makeRegistry({
      projects: { billing: project(5000, 5099, { api: { port: 5000, purpose: 'x' }, db: { port: 5001, purpose: 'y' } }), search: project(5100, 5199) },
    });
    expectRefusal(
      () => releaseService(reg, 'billing', 'web', { now: T0 }),
      'service-unknown',
      'project "billing" has no service "web" (its services: api, db)',
    );
    expectRefusal(() => releaseService(reg, 'search', 'web', { now: T0 }), 'service-unknown', 'project "search" has no service "web" (it has no services)');
  });

  it('a second release of the same service is a no-op: the same registry, the port of its release record', () => {
    const reg = makeRegistry({ projects: { billing: project(5000, 5099, { api: { port: 5000, purpose: 'x' } }) } });
    const once = releaseService(reg, 'billing', 'api', { now: T0 });
    expect(once.released).toBe(true);
    const twice = releaseService(once.registry, 'billing', 'api', { now: T0 });
    expect(twice).toEqual({ registry: once.registry, port: 5000, released: false });
  });

  it('refuses to release a service that was never there (or whose quarantine record is gone)', () => {
    const reg = makeRegistry({ quarantineDays: 0, projects: { billing: project(5000, 5099, { api: { port: 5000, purpose: 'x' } }) } });
    const once = releaseService(reg, 'billing', 'api', { now: T0 }).registry;
    expectRefusal(() => releaseService(once, 'billing', 'api', { now: T0 }), 'service-unknown', 'project "billing" has no service "api" (it has no services)');
  });
});

describe('input registries are never mutated', () => {
  const rich = (): Registry =>
    makeRegistry({
      reserved: structuredClone(DEFAULT_RESERVATIONS),
      projects: {
        billing: project(5000, 5099, {
          api: { port: 5001, purpose: 'REST API', env: 'API_PORT', history: [{ port: 5002, until: '2024-12-25' }] },
          db: { port: 5032, purpose: 'DB', containerPort: 5432 },
        }),
        search: project(5100, 5199),
      },
      released: [
        { project: 'billing', service: 'old', port: 5003, releasedAt: '2024-12-28T00:00:00.000Z' },
        { project: 'billing', service: 'ancient', port: 5004, releasedAt: '2024-01-01T00:00:00.000Z' },
      ],
    });

  it('allocatePort', () => {
    const input = rich();
    const before = structuredClone(input);
    deepFreeze(input);
    // 5000 is to avoid, 5001 taken, 5002 moved away from and 5003 released lately; 5004's release has expired.
    const r = allocatePort(input, req('web', { env: 'WEB_PORT' }), { now: T0 });
    expect(r.port).toBe(5004);
    expect(input).toEqual(before);
    expect(r.registry).not.toBe(input);
    const explicit = allocatePort(input, req('web', { port: 5050 }), { now: T0 });
    expect(explicit.port).toBe(5050);
    expect(input).toEqual(before);
    // A service coming back drops its release record in the copy only.
    const back = allocatePort(input, req('old'), { now: T0 });
    expect(back.port).toBe(5003);
    expect(back.registry.released).toEqual([before.released![1]]);
    expect(input).toEqual(before);
  });

  it('allocatePort on a project without a services object', () => {
    const input = makeRegistry({ projects: { billing: { range: { from: 5000, to: 5099 } } } });
    const before = structuredClone(input);
    deepFreeze(input);
    const r = allocatePort(input, req('api'), { now: T0 });
    expect(r.registry.projects.billing!.services).toEqual({ api: { port: 5000, purpose: 'the api' } });
    expect(input).toEqual(before);
  });

  it('releaseService', () => {
    const input = rich();
    const before = structuredClone(input);
    deepFreeze(input);
    const r = releaseService(input, 'billing', 'db', { now: T0 });
    expect(r.port).toBe(5032);
    expect(input).toEqual(before);
    expect(r.registry.projects.billing!.services!.db).toBeUndefined();
  });

  it('addProject', () => {
    const input = rich();
    const before = structuredClone(input);
    deepFreeze(input);
    const r = addProject(input, { name: 'shipping', path: 'projects/shipping' });
    expect(r.range).toEqual({ from: 5200, to: 5299 });
    expect(input).toEqual(before);
    expect(input.projects.shipping).toBeUndefined();
  });

  it('describePort', () => {
    const input = rich();
    const before = structuredClone(input);
    deepFreeze(input);
    describePort(input, 5002, { now: T0 });
    expect(input).toEqual(before);
  });
});

describe('addProject', () => {
  const empty = () => makeRegistry({ projects: {} });

  it('gives the first project the first block, 5000-5099', () => {
    const r = addProject(empty(), { name: 'billing', path: 'projects/billing', description: 'Invoices' });
    expect(r).toEqual({
      registry: makeRegistry({
        projects: { billing: { range: { from: 5000, to: 5099 }, path: 'projects/billing', description: 'Invoices', services: {} } },
      }),
      range: { from: 5000, to: 5099 },
      created: true,
      warnings: [],
    });
  });

  it('gives the second project the next block, 5100-5199', () => {
    const first = addProject(empty(), { name: 'billing' });
    expect(first.registry.projects.billing).toEqual({ range: { from: 5000, to: 5099 }, services: {} });
    const second = addProject(first.registry, { name: 'search' });
    expect(second.range).toEqual({ from: 5100, to: 5199 });
    expect(Object.keys(second.registry.projects)).toEqual(['billing', 'search']);
  });

  it('skips blocks that overlap other projects, and fills a hole', () => {
    const reg = makeRegistry({ projects: { a: project(5000, 5099), c: project(5200, 5299) } });
    expect(addProject(reg, { name: 'b' }).range).toEqual({ from: 5100, to: 5199 });
    // A project on an unaligned range blocks both blocks it touches.
    const unaligned = makeRegistry({ projects: { odd: project(5050, 5149) } });
    expect(addProject(unaligned, { name: 'b' }).range).toEqual({ from: 5200, to: 5299 });
  });

  it('skips a block that overlaps an error-severity reserved range or holds a reserved port', () => {
    const space = { from: 7900, to: 8299 };
    const reg = makeRegistry({
      projectSpace: space,
      reserved: structuredClone(DEFAULT_RESERVATIONS),
      projects: { tools: project(7900, 7999) },
    });
    // 8000-8099 is supervisor infrastructure and holds 8051 (old Archon MCP).
    expect(addProject(reg, { name: 'shipping' }).range).toEqual({ from: 8100, to: 8199 });

    const onlyPort = makeRegistry({ projectSpace: space, reserved: [{ port: 8051, reason: 'Old Archon MCP' }], projects: { tools: project(7900, 7999) } });
    expect(addProject(onlyPort, { name: 'shipping' }).range).toEqual({ from: 8100, to: 8199 });

    const onlyRange = makeRegistry({
      projectSpace: space,
      reserved: [{ range: { from: 8000, to: 8099 }, reason: 'Supervisor infrastructure (MCP server, etc.)', owner: 'supervisor' }],
      projects: { tools: project(7900, 7999) },
    });
    expect(addProject(onlyRange, { name: 'shipping' }).range).toEqual({ from: 8100, to: 8199 });
    // ... except for the reservation's owner.
    expect(addProject(onlyRange, { name: 'supervisor' }).range).toEqual({ from: 8000, to: 8099 });
  });

  it('does not skip a block for warning-severity reservations', () => {
    const reg = makeRegistry({ reserved: structuredClone(DEFAULT_RESERVATIONS), projects: {} });
    // 5000 (AirPlay), 5060 and 5061 are to avoid, not forbidden.
    expect(addProject(reg, { name: 'billing' }).range).toEqual({ from: 5000, to: 5099 });
  });

  it('project add: skips a block in which no port could be allocated (one to avoid, one in quarantine), and says why', () => {
    const reg = makeRegistry({
      reserved: [{ port: 5000, reason: 'macOS AirPlay receiver', severity: 'warning' }],
      released: [{ project: 'old', service: 'api', port: 5001, releasedAt: at(-1).toISOString() }],
      projects: {},
    });
    // Without the clock (moves and imports place ports themselves), the block is judged by overlaps and hard reservations.
    expect(addProject(reg, { name: 'tiny', size: 2 }).range).toEqual({ from: 5000, to: 5001 });
    const r = addProject(reg, { name: 'tiny', size: 2 }, { now: T0 });
    expect(r.range).toEqual({ from: 5002, to: 5003 });
    expect(r.warnings).toEqual([
      'skipped 5000-5001: no port of 5000-5001 could be allocated: port 5000 is one to avoid: macOS AirPlay receiver (5000); port 5001 was released by service "api" of project "old" on 2024-12-31 and is in quarantine until 2025-01-30',
    ]);
    // A range given is kept, with the warning: the user chose it.
    const given = addProject(reg, { name: 'tiny', range: { from: 5000, to: 5001 } }, { now: T0 });
    expect(given.range).toEqual({ from: 5000, to: 5001 });
    expect(given.warnings).toEqual([
      'no port of 5000-5001 could be allocated: port 5000 is one to avoid: macOS AirPlay receiver (5000); port 5001 was released by service "api" of project "old" on 2024-12-31 and is in quarantine until 2025-01-30: the project cannot allocate until one is free',
    ]);
    // Once the quarantine is over, the block is usable again.
    expect(addProject(reg, { name: 'tiny', size: 2 }, { now: at(31) })).toMatchObject({ range: { from: 5000, to: 5001 }, warnings: [] });
  });

  it('honours a custom size, aligned to that size from the start of the space', () => {
    const a = addProject(empty(), { name: 'a', size: 10 });
    expect(a.range).toEqual({ from: 5000, to: 5009 });
    const b = addProject(a.registry, { name: 'b', size: 10 });
    expect(b.range).toEqual({ from: 5010, to: 5019 });
    const c = addProject(b.registry, { name: 'c', size: 50 });
    expect(c.range).toEqual({ from: 5050, to: 5099 });
    const d = addProject(c.registry, { name: 'd' });
    expect(d.range).toEqual({ from: 5100, to: 5199 });
  });

  it("uses the registry's rangeSize by default", () => {
    const reg = makeRegistry({ rangeSize: 50, projects: { a: project(5000, 5049) } });
    expect(addProject(reg, { name: 'b' }).range).toEqual({ from: 5050, to: 5099 });
    const noSize = makeRegistry({ projects: {} });
    delete noSize.rangeSize;
    delete noSize.projectSpace;
    expect(addProject(noSize, { name: 'b' }).range).toEqual({ from: 5000, to: 5099 });
  });

  it('rejects a size that is not a positive whole number', () => {
    expectUsageError(() => addProject(empty(), { name: 'a', size: 0 }), 'size-invalid', 'range size 0 must be a positive whole number');
    expectUsageError(() => addProject(empty(), { name: 'a', size: 2.5 }), 'size-invalid', 'range size 2.5 must be a positive whole number');
  });

  it('takes an explicit free range', () => {
    const reg = makeRegistry();
    const r = addProject(reg, { name: 'search', range: { from: 5500, to: 5549 } });
    expect(r).toMatchObject({ range: { from: 5500, to: 5549 }, created: true, warnings: [] });
    expect(r.registry.projects.search).toEqual({ range: { from: 5500, to: 5549 }, services: {} });
  });

  it('refuses an explicit range that overlaps another project, naming it', () => {
    expectRefusal(
      () => addProject(makeRegistry(), { name: 'search', range: { from: 5050, to: 5149 } }),
      'range-unavailable',
      'range 5050-5149 cannot go to project "search": it overlaps range 5000-5099 of project "billing"',
    );
    // Touching the last port is an overlap; starting one past it is not.
    expectRefusal(
      () => addProject(makeRegistry(), { name: 'search', range: { from: 5099, to: 5198 } }),
      'range-unavailable',
      'range 5099-5198 cannot go to project "search": it overlaps range 5000-5099 of project "billing"',
    );
    expect(addProject(makeRegistry(), { name: 'search', range: { from: 5100, to: 5199 } }).range).toEqual({ from: 5100, to: 5199 });
  });

  it('refuses an explicit range over a reserved range or port', () => {
    const reg = makeRegistry({
      reserved: [
        { range: { from: 8000, to: 8099 }, reason: 'Supervisor infrastructure (MCP server, etc.)', owner: 'supervisor' },
        { port: 9001, reason: 'Monitoring' },
      ],
    });
    expectRefusal(
      () => addProject(reg, { name: 'x', range: { from: 8050, to: 8149 } }),
      'range-unavailable',
      'range 8050-8149 cannot go to project "x": it overlaps reserved range 8000-8099 (Supervisor infrastructure (MCP server, etc.))',
    );
    expectRefusal(
      () => addProject(reg, { name: 'x', range: { from: 9000, to: 9099 } }),
      'range-unavailable',
      'range 9000-9099 cannot go to project "x": it holds reserved port 9001 (Monitoring)',
    );
    expect(addProject(reg, { name: 'supervisor', range: { from: 8000, to: 8099 } }).created).toBe(true);
  });

  it('warns about an explicit range outside the project space', () => {
    const r = addProject(makeRegistry(), { name: 'legacy', range: { from: 4000, to: 4099 } });
    expect(r.created).toBe(true);
    expect(r.warnings).toEqual(['range 4000-4099 lies outside the project space 5000-32767']);
  });

  it('rejects an explicit range that is not a port range', () => {
    expectUsageError(() => addProject(makeRegistry(), { name: 'x', range: { from: 0, to: 99 } }), 'range-invalid', 'range 0-99 is not a valid port range');
    expectUsageError(
      () => addProject(makeRegistry(), { name: 'x', range: { from: 65500, to: 65599 } }),
      'range-invalid',
      'range 65500-65599 is not a valid port range',
    );
  });

  it('rejects a reversed explicit range as an invalid range', () => {
    expectUsageError(
      () => addProject(makeRegistry(), { name: 'x', range: { from: 5299, to: 5200 } }),
      'range-invalid',
      'range 5299-5200 is not a valid port range',
    );
  });

  it('is idempotent for a repeat with the same (or no) options', () => {
    const reg = makeRegistry({ projects: { billing: project(5000, 5099, {}, { path: 'projects/billing' }) } });
    for (const request of [
      { name: 'billing' },
      { name: 'billing', path: 'projects/billing' },
      { name: 'billing', size: 100 },
      { name: 'billing', range: { from: 5000, to: 5099 } },
    ]) {
      const r = addProject(reg, request);
      expect(r).toEqual({ registry: reg, range: { from: 5000, to: 5099 }, created: false, warnings: [] });
      expect(r.registry).toBe(reg);
    }
  });

  it('refuses a repeat that differs', () => {
    const reg = makeRegistry({ projects: { billing: project(5000, 5099, {}, { path: 'projects/billing' }) } });
    const message = 'project "billing" already exists with range 5000-5099 and path "projects/billing"; to move it, use "portreg project move"';
    expectRefusal(() => addProject(reg, { name: 'billing', path: 'elsewhere' }), 'project-exists', message);
    expectRefusal(() => addProject(reg, { name: 'billing', size: 50 }), 'project-exists', message);
    expectRefusal(() => addProject(reg, { name: 'billing', range: { from: 5100, to: 5199 } }), 'project-exists', message);
    expectRefusal(
      () => addProject(makeRegistry(), { name: 'billing', path: 'x' }),
      'project-exists',
      'project "billing" already exists with range 5000-5099; to move it, use "portreg project move"',
    );
  });

  it('refuses when the project space is full', () => {
    const reg = makeRegistry({ projectSpace: { from: 5000, to: 5199 }, projects: { a: project(5000, 5099), b: project(5100, 5199) } });
    expectRefusal(() => addProject(reg, { name: 'c' }), 'project-space-full', 'no free block of 100 ports is left in the project space 5000-5199 (2 projects)');
    // A smaller block still fits nowhere, a block larger than the space never does.
    expectRefusal(
      () => addProject(makeRegistry({ projectSpace: { from: 5000, to: 5049 }, projects: {} }), { name: 'c' }),
      'project-space-full',
      'no free block of 100 ports is left in the project space 5000-5049 (0 projects)',
    );
  });

  it('uses the last block that fits exactly', () => {
    const reg = makeRegistry({ projectSpace: { from: 5000, to: 5199 }, projects: { a: project(5000, 5099) } });
    expect(addProject(reg, { name: 'b' }).range).toEqual({ from: 5100, to: 5199 });
  });
});

describe('describePort', () => {
  const reg = makeRegistry({
    reserved: structuredClone(DEFAULT_RESERVATIONS),
    projects: {
      billing: project(5000, 5099, {
        api: { port: 5001, purpose: 'REST API', env: 'API_PORT' },
        resolver: { port: 5053, purpose: 'DNS', protocol: 'udp' },
        transfer: { port: 5053, purpose: 'Zone transfer' },
      }),
      search: project(5100, 5199),
    },
    released: [{ project: 'billing', service: 'worker', port: 5010, releasedAt: '2025-01-01T00:00:00.000Z' }],
  });

  it('names the owner and the project whose range holds the port', () => {
    expect(describePort(reg, 5001, { now: T0 })).toEqual({
      port: 5001,
      owners: [{ project: 'billing', service: 'api', protocol: ['tcp'], purpose: 'REST API' }],
      reservations: [],
      rangeOf: 'billing',
      quarantine: null,
      free: false,
    });
  });

  it('lists every owner of a port shared across protocols', () => {
    expect(describePort(reg, 5053, { now: T0 }).owners).toEqual([
      { project: 'billing', service: 'resolver', protocol: ['udp'], purpose: 'DNS' },
      { project: 'billing', service: 'transfer', protocol: ['tcp'], purpose: 'Zone transfer' },
    ]);
  });

  it('lists the reservations of a port', () => {
    expect(describePort(reg, 22, { now: T0 })).toEqual({
      port: 22,
      owners: [],
      reservations: [{ port: 22, reason: 'SSH' }],
      rangeOf: null,
      quarantine: null,
      free: false,
    });
    expect(describePort(reg, 8051, { now: T0 }).reservations).toEqual([
      { port: 8051, reason: 'Old Archon MCP' },
      { range: { from: 8000, to: 8099 }, reason: 'Supervisor infrastructure (MCP server, etc.)', owner: 'supervisor' },
    ]);
    const airplay = describePort(reg, 5000, { now: T0 });
    expect(airplay).toMatchObject({ rangeOf: 'billing', free: false, owners: [] });
    expect(airplay.reservations).toEqual([{ port: 5000, reason: 'macOS AirPlay receiver', severity: 'warning' }]);
  });

  it('reports a quarantine while it lasts', () => {
    expect(describePort(reg, 5010, { now: at(5) })).toEqual({
      port: 5010,
      owners: [],
      reservations: [],
      rangeOf: 'billing',
      quarantine: {
        project: 'billing',
        service: 'worker',
        what: 'released',
        since: '2025-01-01',
        until: '2025-01-31',
        path: ['released', 0],
      },
      free: false,
    });
    expect(describePort(reg, 5010, { now: at(30) })).toMatchObject({ quarantine: null, free: true });
  });

  it("reports a moved port's quarantine with the path of its history entry", () => {
    const moved = makeRegistry({
      projects: { billing: project(5000, 5099, { api: { port: 5005, purpose: 'x', history: [{ port: 5000, until: '2025-01-01' }] } }) },
    });
    expect(describePort(moved, 5000, { now: at(1) }).quarantine).toEqual({
      project: 'billing',
      service: 'api',
      what: 'moved away from',
      since: '2025-01-01',
      until: '2025-01-31',
      path: ['projects', 'billing', 'services', 'api', 'history', 0],
    });
  });

  it('says a port is free when nothing holds it', () => {
    expect(describePort(reg, 5150, { now: T0 })).toEqual({
      port: 5150,
      owners: [],
      reservations: [],
      rangeOf: 'search',
      quarantine: null,
      free: true,
    });
    expect(describePort(reg, 40000, { now: T0 })).toEqual({
      port: 40000,
      owners: [],
      reservations: [],
      rangeOf: null,
      quarantine: null,
      free: true,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Claims of other branches (passed in as data: the allocator reads no git)

describe('allocatePort with the claims of other branches', () => {
  const worker = { branch: 'origin/feat', project: 'billing', service: 'worker', port: 5000, protocols: ['tcp' as const] };
  const req: AllocationRequest = { project: 'billing', service: 'api', purpose: 'REST API' };

  it('skips a port another branch gives to another service, and says so', () => {
    const r = allocatePort(makeRegistry(), req, { now: T0, claims: [worker] });
    expect(r.port).toBe(5001);
    expect(r.warnings).toEqual(['skipped port 5000 is given to service "worker" of project "billing" on branch origin/feat']);
  });

  it('takes a port another branch gives to the same service, or for another protocol', () => {
    expect(allocatePort(makeRegistry(), { ...req, service: 'worker' }, { now: T0, claims: [worker] }).port).toBe(5000);
    expect(allocatePort(makeRegistry(), req, { now: T0, claims: [{ ...worker, protocols: ['udp'] }] }).port).toBe(5000);
  });

  it('refuses an asked-for port another branch gives away, naming the branch and the way out', () => {
    const err = (() => {
      try {
        allocatePort(makeRegistry(), { ...req, port: 5000 }, { now: T0, claims: [worker] });
      } catch (e) {
        return e as PortregError;
      }
    })();
    expect(err?.exitCode).toBe(ExitCode.Refused);
    expect(err?.code).toBe('port-claimed');
    expect(err?.message).toBe(
      'port 5000 is given to service "worker" of project "billing" on branch origin/feat: the two would merge into a duplicate; choose another port (or pass --no-branch-claims to take it anyway)',
    );
  });

  it('counts claimed ports when the range is full', () => {
    const registry = makeRegistry({ projects: { billing: project(5000, 5002, { a: { port: 5001, purpose: 'a' } }) } });
    const claims = [worker, { ...worker, service: 'other', port: 5002 }];
    expect(() => allocatePort(registry, req, { now: T0, claims })).toThrow(
      'project billing: range 5000-5002 is full (1 of 3 used; 2 given away on other branches)',
    );
  });
});

describe('allocatePort: a project with slots takes ports of slot 0 only', () => {
  const slotted = (services: Record<string, Service>) => makeRegistry({ projects: { billing: project(5000, 5099, services, { slots: { width: 10 } }) } });

  it('gives the last port of slot 0 (start + width - 1), not the first port past it', () => {
    const r = allocatePort(slotted(servicesOn(5000, 5008)), req('api'), { now: T0 });
    expect(r.port).toBe(5009);
  });

  it('refuses with slot-width-full when slot 0 is full, though the range has free ports, naming the width and the next step', () => {
    const registry = deepFreeze(slotted(servicesOn(5000, 5009)));
    expectRefusal(
      () => allocatePort(registry, req('api'), { now: T0 }),
      'slot-width-full',
      'project billing: slot 0 (5000-5009, the first 10 ports of range 5000-5099) is full (10 of 10 used): with slots of width 10, every service\'s port lies in slot 0 and each slot repeats it 10 ports up; widen the slots ("slots": { "width": N } with N > 10 in the registry, for fewer slots: portreg registry check says how many the range holds) or register fewer services (portreg release)',
    );
  });

  it('counts the reserved ports of slot 0 only in the message', () => {
    const registry = slotted(servicesOn(5000, 5008));
    registry.reserved = [
      { port: 5009, reason: 'test' },
      { range: { from: 5050, to: 5059 }, reason: 'beyond slot 0' },
    ];
    expect(thrown(() => allocatePort(registry, req('api'), { now: T0 })).message).toContain('is full (9 of 10 used; 1 reserved or to avoid)');
  });

  it('refuses an explicit port past slot 0, naming the slot it lies in', () => {
    expectRefusal(
      () => allocatePort(slotted({}), req('api', { port: 5015 }), { now: T0 }),
      'port-beyond-slot-width',
      'port 5015 is beyond slot 0 of project "billing" (5000-5009, slots of width 10): it is slot 1\'s copy of 5005; take a port of 5000-5009, or widen the slots',
    );
  });

  it('gives a released service its old port back only inside slot 0', () => {
    const registry = slotted(servicesOn(5000, 5001));
    registry.released = [{ project: 'billing', service: 'api', port: 5042, releasedAt: T0.toISOString() }];
    expect(allocatePort(registry, req('api'), { now: at(1) }).port).toBe(5002);
  });

  it('reassign goes through the same policy: the next port of slot 0, and a port past it refused', () => {
    const registry = slotted(servicesOn(5000, 5003));
    expect(reassignService(registry, { project: 'billing', service: 's5001' }, { now: T0 }).to).toBe(5004);
    expect(thrown(() => reassignService(registry, { project: 'billing', service: 's5001', port: 5011 }, { now: T0 })).code).toBe('port-beyond-slot-width');
  });

  it('without slots, the whole range as before', () => {
    expect(allocatePort(makeRegistry({ projects: { billing: project(5000, 5099, servicesOn(5000, 5009)) } }), req('api'), { now: T0 }).port).toBe(5010);
  });
});

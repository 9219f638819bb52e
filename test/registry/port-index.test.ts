/**
 * The port index of one registry: exact answers to each question, on a registry that has one
 * of everything (a duplicate, a two-protocol service, a udp-only reservation, an owner, a
 * backwards range, moves and releases in and out of quarantine).
 */
import { describe, expect, it } from 'vitest';
import { PROTOCOLS } from '../../src/protocol.js';
import { PortIndex, portIndexOf, portKey } from '../../src/registry/port-index.js';
import type { Registry } from '../../src/registry/types.js';

const NOW = new Date('2026-11-25T12:00:00Z');

const REGISTRY: Registry = {
  version: 1,
  quarantineDays: 30,
  reserved: [
    { port: 22, reason: 'SSH' },
    { range: { from: 8000, to: 8099 }, reason: 'Supervisor infrastructure', owner: 'supervisor' },
    { port: 5060, reason: 'SIP trunk', protocol: 'udp' },
    { range: { from: 5090, to: 5095 }, reason: 'Legacy dashboards', severity: 'warning' },
    { range: { from: 6010, to: 6000 }, reason: 'written backwards' },
  ],
  projects: {
    billing: {
      range: { from: 5000, to: 5099 },
      services: {
        api: { port: 5001, purpose: 'API', history: [{ port: 5005, until: '2026-11-20T00:00:00.000Z' }] },
        dns: { port: 5053, purpose: 'DNS', protocol: ['tcp', 'udp'] },
        sip: { port: 5061, purpose: 'SIP', protocol: 'udp', history: [{ port: 5060, until: '2026-09-01T00:00:00.000Z' }] },
      },
    },
    search: {
      range: { from: 5100, to: 5199 },
      services: {
        es: { port: 5101, purpose: 'Elasticsearch' },
        copy: { port: 5001, purpose: 'a hand-edited duplicate' },
      },
    },
  },
  released: [
    { project: 'search', service: 'old', port: 5105, releasedAt: '2026-11-01T00:00:00.000Z' },
    { project: 'billing', service: 'gone', port: 5005, releasedAt: '2026-11-22T00:00:00.000Z' },
  ],
};

const index = new PortIndex(REGISTRY);
/** Reservations as `index severity`, the way a reader checks them against the list above. */
const brief = (found: { index: number; severity: string }[]) => found.map((r) => `${r.index} ${r.severity}`);

describe('portKey', () => {
  it('is the port and the protocol', () => {
    expect(portKey(5060, 'udp')).toBe('5060/udp');
  });
});

describe('owners', () => {
  it('are looked up by port and protocol; a port written without a protocol is tcp', () => {
    expect(index.ownerOf(5001)).toMatchObject({ project: 'billing', service: 'api' });
    expect(index.ownerOf(5001, null)).toMatchObject({ project: 'billing', service: 'api' });
    expect(index.ownerOf(5001, 'udp')).toBeUndefined();
    expect(index.ownerOf(5053, 'tcp')).toMatchObject({ project: 'billing', service: 'dns' });
    expect(index.ownerOf(5053, 'udp')).toMatchObject({ project: 'billing', service: 'dns' });
    expect(index.ownerOf(5061)).toBeUndefined();
    expect(index.ownerOf(5061, 'udp')?.entry).toBe(REGISTRY.projects.billing!.services!.sip);
  });

  it('are the service and its entry, the same list when asked again; none where the port is held for other protocols only', () => {
    const dns = REGISTRY.projects.billing!.services!.dns!;
    expect(index.ownersOf(5053, 'udp')).toEqual([{ project: 'billing', service: 'dns', entry: dns }]);
    expect(index.ownersOf(5053, 'udp')).toBe(index.ownersOf(5053, 'udp'));
    expect(index.ownersOf(5053, 'sctp')).toEqual([]);
    expect(index.ownersOf(5061, 'tcp')).toEqual([]);
    expect(index.ownersOf(5061, null)).toEqual([]);
    expect(index.ownersOf(5061, 'udp').map((o) => o.service)).toEqual(['sip']);
    expect(index.holdingsAt(5002)).toEqual([]);
  });

  it('on a port given twice: both holdings, in registry order, the very objects holdings() lists', () => {
    expect(index.holdingsAt(5001).map((h) => `${h.project}/${h.service} ${h.protocols.join('+')}`)).toEqual(['billing/api tcp', 'search/copy tcp']);
    const all = index.holdings();
    expect(index.holdingsAt(5001)).toEqual([all[0], all[4]]);
    expect(index.holdingsAt(5001)[1]).toBe(all[4]);
    expect(index.holdings()).toBe(all);
  });

  it('are all listed, in registry order, where a hand edit gave a port twice', () => {
    expect(index.ownersOf(5001, 'tcp').map((o) => `${o.project}/${o.service}`)).toEqual(['billing/api', 'search/copy']);
    expect(index.ownersOf(5002, 'tcp')).toEqual([]);
  });

  it('on a port, whatever the protocol, come with every protocol they hold', () => {
    expect(index.holdingsAt(5053).map(({ project, service, port, protocols }) => ({ project, service, port, protocols }))).toEqual([
      { project: 'billing', service: 'dns', port: 5053, protocols: ['tcp', 'udp'] },
    ]);
    expect(index.holdings().map((h) => `${h.port}/${h.protocols.join('+')} ${h.project}/${h.service}`)).toEqual([
      '5001/tcp billing/api',
      '5053/tcp+udp billing/dns',
      '5061/udp billing/sip',
      '5101/tcp search/es',
      '5001/tcp search/copy',
    ]);
  });
});

describe('reservations that apply', () => {
  it('match the protocol: a reservation with one covers only that protocol', () => {
    expect(brief(index.reservationsFor(5060, 'billing', ['tcp']))).toEqual([]);
    expect(brief(index.reservationsFor(5060, 'billing', ['udp']))).toEqual(['2 error']);
    expect(brief(index.reservationsFor(5060, 'billing', ['tcp', 'udp']))).toEqual(['2 error']);
  });

  it('without a protocol cover every protocol', () => {
    expect(brief(index.reservationsFor(22, 'billing', ['sctp']))).toEqual(['0 error']);
    expect(brief(index.reservationsFor(22, null, ['tcp']))).toEqual(['0 error']);
  });

  it("spare the reservation's owner, and only the owner (no project: nobody is spared)", () => {
    expect(index.reservationsFor(8051, 'billing', ['tcp'])).toEqual([
      { reservation: REGISTRY.reserved![1], index: 1, range: { from: 8000, to: 8099 }, severity: 'error' },
    ]);
    expect(index.reservationsFor(8051, 'supervisor', ['tcp'])).toEqual([]);
    expect(brief(index.reservationsFor(8051, null, ['tcp']))).toEqual(['1 error']);
  });

  it('default to severity error, and keep warning where written', () => {
    expect(index.reservationsFor(5092, 'billing', ['tcp'])).toEqual([
      { reservation: REGISTRY.reserved![3], index: 3, range: { from: 5090, to: 5095 }, severity: 'warning' },
    ]);
  });

  it('for a range: every reservation that overlaps it, in registry order', () => {
    expect(brief(index.reservationsFor({ from: 5000, to: 5099 }, 'billing', PROTOCOLS))).toEqual(['2 error', '3 warning']);
    expect(brief(index.reservationsFor({ from: 5000, to: 5099 }, 'billing', ['tcp']))).toEqual(['3 warning']);
    expect(brief(index.reservationsFor({ from: 5095, to: 5100 }, 'billing', ['tcp']))).toEqual(['3 warning']);
    expect(brief(index.reservationsFor({ from: 5096, to: 5100 }, 'billing', ['tcp']))).toEqual([]);
  });

  it("that keep a range from being a project's: severity error for every protocol, the owner spared", () => {
    // 5060/udp leaves 5060/tcp to the project, and 5090-5095 is only to avoid.
    expect(brief(index.reservedInRange({ from: 5000, to: 5099 }, 'billing'))).toEqual([]);
    expect(brief(index.reservedInRange({ from: 0, to: 5099 }, 'billing'))).toEqual(['0 error']);
    expect(brief(index.reservedInRange({ from: 7990, to: 8010 }, 'billing'))).toEqual(['1 error']);
    expect(brief(index.reservedInRange({ from: 8000, to: 8099 }, 'supervisor'))).toEqual([]);
  });

  it('leave out a range written backwards: it covers no port', () => {
    expect(index.reservationsFor(6005, null, PROTOCOLS)).toEqual([]);
    expect(index.reservationsFor({ from: 5990, to: 6020 }, null, PROTOCOLS)).toEqual([]);
  });
});

describe('previous owners', () => {
  it('are the services that moved away from a port and the released ones, in registry order', () => {
    expect(index.previousOwnersOf(5005)).toEqual([
      { project: 'billing', service: 'api', currentPort: 5001, how: 'moved' },
      { project: 'billing', service: 'gone', currentPort: undefined, how: 'released' },
    ]);
    expect(index.previousOwnersOf(5060)).toEqual([{ project: 'billing', service: 'sip', currentPort: 5061, how: 'moved' }]);
    expect(index.previousOwnersOf(5001)).toEqual([]);
  });
});

describe('quarantine', () => {
  it('holds the ports left less than quarantineDays ago, per protocol; a port left twice by the hold that ends last', () => {
    expect(Object.fromEntries(index.quarantineHolds(NOW))).toEqual({
      '5005/tcp': { project: 'billing', service: 'gone', what: 'released', since: '2026-11-22', until: '2026-12-22', path: ['released', 1] },
      '5105/tcp': { project: 'search', service: 'old', what: 'released', since: '2026-11-01', until: '2026-12-01', path: ['released', 0] },
    });
    expect(index.quarantineHold(5005, 'udp', NOW)).toBeUndefined();
    expect(index.anyQuarantineHold(5105, NOW)?.service).toBe('old');
    // 5060/udp was left on 1 September: its 30 days are over.
    expect(index.anyQuarantineHold(5060, NOW)).toBeUndefined();
  });

  it('is judged at the time asked', () => {
    expect(index.quarantineHold(5060, 'udp', new Date('2026-09-15T00:00:00Z'))).toEqual({
      project: 'billing',
      service: 'sip',
      what: 'moved away from',
      since: '2026-09-01',
      until: '2026-10-01',
      path: ['projects', 'billing', 'services', 'sip', 'history', 0],
    });
    expect(index.quarantineHold(5060, 'tcp', new Date('2026-09-15T00:00:00Z'))).toBeUndefined();
    expect([...index.quarantineHolds(new Date('2026-12-21T00:00:00Z')).keys()]).toEqual(['5005/tcp']);
    expect([...index.quarantineHolds(new Date('2026-12-22T00:00:00Z')).keys()]).toEqual([]);
  });
});

describe('portIndexOf', () => {
  it('builds the index of a registry once, and a new one for another registry object', () => {
    const registry = structuredClone(REGISTRY);
    const first = portIndexOf(registry);
    expect(portIndexOf(registry)).toBe(first);
    expect(portIndexOf(structuredClone(registry))).not.toBe(first);
    expect(first.ownerOf(5101)).toMatchObject({ project: 'search', service: 'es' });
  });
});

/**
 * `portreg ps`, `portreg who --live` and `portreg doctor` on this machine's real listeners: the
 * test opens sockets itself and expects to be named, with its own process id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { bindConflicts } from '../../src/live/doctor.js';
import { liveReport } from '../../src/live/report.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';

const hasIPv6Loopback = await new Promise<boolean>((resolve) => {
  const probe = net.createServer();
  probe.once('error', () => resolve(false));
  probe.listen(0, '::1', () => probe.close(() => resolve(true)));
});

const servers: net.Server[] = [];
let udp: dgram.Socket;
const ports: Record<string, number> = {};
let dir: string;
let cleanup: () => Promise<void>;

const listen = (host: string) =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    servers.push(server);
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
  });

/** A port nothing listens on right now (bound and closed at once: a hint, as the docs say). */
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer();
    s.listen(0, '0.0.0.0', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('portreg-live-'));
  ports.loopback4 = await listen('127.0.0.1');
  ports.any4 = await listen('0.0.0.0');
  if (hasIPv6Loopback) ports.loopback6 = await listen('::1');
  udp = dgram.createSocket('udp4');
  ports.udp = await new Promise<number>((resolve) => udp.bind(0, '127.0.0.1', () => resolve(udp.address().port)));
  ports.idle = await freePort();

  // The listeners sit on ephemeral ports: a project owns a block around the loopback one, one of
  // its services is registered on it, one on a port nothing listens on; the UDP port is reserved.
  const from = ports.loopback4 - (ports.loopback4 % 100);
  await writeRegistry(
    dir,
    {
      live: {
        range: { from, to: from + 99 },
        path: 'live',
        services: {
          api: { port: ports.loopback4, purpose: 'the test API' },
          ...(ports.idle >= from && ports.idle <= from + 99 && ports.idle !== ports.loopback4 ? { idle: { port: ports.idle, purpose: 'not running' } } : {}),
        },
      },
    },
    { projectSpace: { from: 1024, to: 65535 }, reserved: [{ port: ports.udp, reason: 'test reservation' }] },
  );
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await new Promise<void>((resolve) => udp.close(() => resolve()));
  await cleanup();
});

interface PsJson {
  listeners: {
    protocol: string;
    family: number;
    address: string;
    port: number;
    pid: number | null;
    command: string | null;
    owner: { project: string; service: string } | null;
  }[];
  notListening: { project: string; service: string; port: number }[];
  onReserved: { port: number; protocol: string; reservations: { reason: string }[] }[];
}

describe('portreg ps', () => {
  it('reports each listener the test opened, with the test process id and its owner', async () => {
    const r = await runCli(['ps', '--json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as PsJson;
    const own = (protocol: string, family: number, address: string, port: number) =>
      expect(report.listeners).toContainEqual(expect.objectContaining({ protocol, family, address, port, pid: process.pid, command: expect.any(String) }));
    own('tcp', 4, '127.0.0.1', ports.loopback4!);
    own('tcp', 4, '0.0.0.0', ports.any4!);
    if (hasIPv6Loopback) own('tcp', 6, '::1', ports.loopback6!);
    own('udp', 4, '127.0.0.1', ports.udp!);

    expect(report.listeners.find((l) => l.port === ports.loopback4 && l.protocol === 'tcp')!.owner).toEqual({
      project: 'live',
      service: 'api',
      purpose: 'the test API',
    });
    expect(report.listeners.find((l) => l.port === ports.any4 && l.protocol === 'tcp')!.owner).toBeNull();
    expect(report.onReserved).toContainEqual(
      expect.objectContaining({ port: ports.udp, protocol: 'udp', reservations: [expect.objectContaining({ reason: 'test reservation' })] }),
    );
    expect(report.notListening.some((s) => s.service === 'api')).toBe(false);
    const idleRegistered = report.notListening.find((s) => s.service === 'idle');
    if (idleRegistered) expect(idleRegistered).toMatchObject({ project: 'live', port: ports.idle });
  });

  it('prints a table for people, with owners and unregistered listeners', async () => {
    const r = await runCli(['ps'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^listening \(\d+\):\n {2}PROTO {2}ADDRESS/);
    expect(r.stdout).toMatch(new RegExp(`tcp +127\\.0\\.0\\.1:${ports.loopback4} +${process.pid} +\\S+ +live/api`));
    expect(r.stdout).toMatch(new RegExp(`tcp +0\\.0\\.0\\.0:${ports.any4} +${process.pid} +\\S+ +unregistered`));
    expect(r.stdout).toContain(`on reserved ports`);
    expect(r.stdout).toMatch(new RegExp(`udp 127\\.0\\.0\\.1:${ports.udp} pid ${process.pid} \\(\\S+\\): reserved: test reservation`));
  });
});

describe('portreg who --live', () => {
  it('adds what listens on the port, and which process', async () => {
    const r = await runCli(['who', String(ports.loopback4), '--live'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${ports.loopback4}/tcp: service "api" of project "live" (the test API)`);
    expect(r.stdout).toMatch(new RegExp(`${ports.loopback4}: listening: tcp 127\\.0\\.0\\.1:${ports.loopback4} pid ${process.pid} \\(\\S+\\)`));
    const json = JSON.parse((await runCli(['who', String(ports.any4), '--live', '--json'], { cwd: dir })).stdout);
    expect(json).toMatchObject({ port: ports.any4, listening: true, listeners: [{ protocol: 'tcp', address: '0.0.0.0', pid: process.pid }] });
    // Without --live the output is what it always was.
    expect(JSON.parse((await runCli(['who', String(ports.any4), '--json'], { cwd: dir })).stdout)).not.toHaveProperty('listeners');
  });
});

describe('portreg doctor', () => {
  it('exits 1 when the project publishes a port the test listens on, naming the process and a port to move to', async () => {
    await mkdir(path.join(dir, 'live'), { recursive: true });
    await writeFile(
      path.join(dir, 'live/compose.yaml'),
      `services:\n  api:\n    image: api\n    ports:\n      - "${ports.loopback4}:3000"\n  idle:\n    image: idle\n    ports:\n      - "127.0.0.1:${ports.idle}:80"\n`,
    );
    const r = await runCli(['doctor', '--project', 'live'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        `^HELD {2}${ports.loopback4}/tcp of compose service "api" \\(live/compose\\.yaml:5:10\\) is held by tcp 127\\.0\\.0\\.1:${ports.loopback4} pid ${process.pid} \\(\\S+\\): the registry gives the port to this service \\("api"\\): if that is this stack already running, compose keeps it; otherwise stop that process, or move this entry to \\d+ \\(free in the range of "live"\\)$`,
        'm',
      ),
    );
    expect(r.stdout).toMatch(new RegExp(`^ok {4}127\\.0\\.0\\.1:${ports.idle}/tcp of compose service "idle" \\(live/compose\\.yaml:9:\\d+\\) is free`, 'm'));
    expect(r.stdout).toContain('1 of 2 published ports held: docker compose up would fail to bind');

    const json = JSON.parse((await runCli(['doctor', '--project', 'live', '--json'], { cwd: dir })).stdout);
    expect(json).toMatchObject({ project: 'live', stacks: ['live/compose.yaml'], held: 1 });
    const held = json.ports.find((p: { status: string }) => p.status === 'held');
    expect(held).toMatchObject({
      port: ports.loopback4,
      file: 'live/compose.yaml',
      line: 5,
      holders: [{ pid: process.pid, address: '127.0.0.1' }],
      registeredOwner: { project: 'live', service: 'api' },
      ownerIsThisService: true,
    });
    expect(held.suggestion).not.toBe(ports.loopback4);
  });

  it('exits 0 when every published port is free', async () => {
    await writeFile(path.join(dir, 'live/compose.yaml'), `services:\n  idle:\n    image: idle\n    ports:\n      - "${ports.idle}:80"\n`);
    const r = await runCli(['doctor', '--project', 'live'], { cwd: dir });
    expect(r.stdout).toContain('all 1 published port is free');
    expect(r.code).toBe(0);
  });

  it('says what to do when no project is given, or the project is unknown', async () => {
    expect(await runCli(['doctor'], { cwd: dir })).toMatchObject({
      code: 2,
      stderr: 'portreg: doctor needs --project NAME (or "project" in portreg.config.json)\n',
    });
    const r = await runCli(['doctor', '--project', 'nope'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^portreg: project "nope" is unknown: register it with "portreg project add nope"/);
  });
});

describe('bindConflicts', () => {
  it('follows how Linux and Docker bind', () => {
    const v4 = (address: string) => ({ family: 4 as const, address });
    const v6 = (address: string) => ({ family: 6 as const, address });
    expect(bindConflicts(null, v4('127.0.0.1'))).toBe(true);
    expect(bindConflicts(null, v6('::1'))).toBe(true);
    expect(bindConflicts('127.0.0.1', v4('127.0.0.1'))).toBe(true);
    expect(bindConflicts('127.0.0.1', v4('0.0.0.0'))).toBe(true);
    expect(bindConflicts('127.0.0.1', v6('::'))).toBe(true);
    expect(bindConflicts('127.0.0.1', v4('127.0.0.2'))).toBe(false);
    expect(bindConflicts('127.0.0.1', v6('::1'))).toBe(false);
    expect(bindConflicts('127.0.0.1', v6('::ffff:127.0.0.1'))).toBe(true);
    expect(bindConflicts('0.0.0.0', v4('10.0.0.5'))).toBe(true);
    expect(bindConflicts('0.0.0.0', v6('::1'))).toBe(false);
    expect(bindConflicts('::', v6('::1'))).toBe(true);
    expect(bindConflicts('[::1]', v6('::1'))).toBe(true);
    expect(bindConflicts('::1', v4('0.0.0.0'))).toBe(false);
  });
});

describe('liveReport', () => {
  it('joins listeners with owners and reservations, and lists services not listening', () => {
    const report = liveReport(
      {
        version: 1,
        reserved: [{ range: { from: 8000, to: 8099 }, reason: 'infra', owner: 'supervisor' }],
        projects: {
          p: { range: { from: 5000, to: 5099 }, services: { api: { port: 5001, purpose: 'a' }, dns: { port: 5053, purpose: 'd', protocol: ['tcp', 'udp'] } } },
        },
      },
      [
        { protocol: 'tcp', family: 4, address: '0.0.0.0', port: 5001, inode: 1, pid: 10, command: 'api' },
        { protocol: 'udp', family: 4, address: '0.0.0.0', port: 5001, inode: 2, pid: 11, command: 'other' },
        { protocol: 'udp', family: 6, address: '::', port: 5053, inode: 3, pid: null, command: null },
        { protocol: 'tcp', family: 4, address: '127.0.0.1', port: 8051, inode: 4, pid: 12, command: 'mcp' },
      ],
    );
    expect(report.listeners.map((l) => [l.port, l.protocol, l.owner?.service ?? null, l.rangeOf])).toEqual([
      [5001, 'tcp', 'api', 'p'],
      [5001, 'udp', null, 'p'],
      [5053, 'udp', 'dns', 'p'],
      [8051, 'tcp', null, null],
    ]);
    expect(report.onReserved.map((l) => [l.port, l.reservations[0]!.owner])).toEqual([[8051, 'supervisor']]);
    expect(report.notListening).toEqual([{ project: 'p', service: 'dns', port: 5053, protocol: 'tcp', purpose: 'd' }]);
  });
});

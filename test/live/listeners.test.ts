import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listListeners, livePorts, parseLsofOutput, parseProcNet } from '../../src/live/listeners.js';

// Real-looking /proc/net rows (x86: addresses are little-endian 32-bit words).
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   113        0 21512 1 ffff8a7d41a2c000 100 0 0 10 0
   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 33817 1 ffff8a7d41a2c8c0 100 0 0 10 0
   2: 0100007F:1F90 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 33901 1 ffff8a7d41a2d180 20 4 30 10 -1
   3: 0100007F:D2F0 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 33900 1 ffff8a7d41a2da40 20 4 29 10 -1
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1538 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   113        0 21514 1 ffff8a7d4b5e0000 100 0 0 10 0
   1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 33818 1 ffff8a7d4b5e1180 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:0CEA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 40001 1 ffff8a7d4b5e2300 100 0 0 10 0
   3: 000080FE00000000FF00FC00010000FE:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 40002 1 ffff8a7d4b5e3480 100 0 0 10 0
`;
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  356: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 18011 2 ffff8a7d40b1a400 0
  811: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000   114        0 19022 2 ffff8a7d40b1b600 0
15805: 020200C0:A641 0302010A:0035 01 00000000:00000000 00:00000000 00000000  1000        0 8066 2 ffff8a7d40b1c800 0
`;
const UDP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  811: 00000000000000000000000000000000:14E9 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000   114        0 19023 2 ffff8a7d40b1d000 0
  912: 00000000000000000000000001000000:A0C2 00000000000000000000000001000000:1F91 01 00000000:00000000 00:00000000 00000000  1000        0 19100 2 ffff8a7d40b1e000 0
`;

// Captured from `lsof -nP -iTCP -sTCP:LISTEN -F pcfPtnT` and `lsof -nP -iUDP -F pcfPtnT`
// (the first process set), plus a second process and an established socket.
const LSOF = `p3574
cnode
f19
tIPv6
PTCP
n*:46211
TST=LISTEN
TQR=0
TQS=0
f20
tIPv4
PTCP
n127.0.0.1:36795
TST=LISTEN
TQR=0
TQS=0
f21
tIPv6
PTCP
n[::1]:38221
TST=LISTEN
TQR=0
TQS=0
p3574
cnode
f22
tIPv4
PUDP
n127.0.0.1:52553
TQR=0
TQS=0
f23
tIPv6
PUDP
n*:43256
TQR=0
TQS=0
f24
tIPv4
PUDP
n192.0.2.2:39811->10.1.2.3:53
TQR=0
TQS=0
p812
cpostgres
f7
tIPv4
PTCP
n*:5432
TST=LISTEN
f9
tIPv4
PTCP
n127.0.0.1:5432->127.0.0.1:50122
TST=ESTABLISHED
`;

describe('parseProcNet', () => {
  it('keeps TCP LISTEN rows and skips established connections', () => {
    expect(parseProcNet(TCP, 'tcp', 4)).toEqual([
      { protocol: 'tcp', family: 4, address: '0.0.0.0', port: 5432, inode: 21512 },
      { protocol: 'tcp', family: 4, address: '127.0.0.1', port: 8080, inode: 33817 },
    ]);
  });

  it('decodes IPv6 words, IPv4-mapped and link-local addresses', () => {
    expect(parseProcNet(TCP6, 'tcp', 6)).toEqual([
      { protocol: 'tcp', family: 6, address: '::', port: 5432, inode: 21514 },
      { protocol: 'tcp', family: 6, address: '::1', port: 8080, inode: 33818 },
      { protocol: 'tcp', family: 6, address: '::ffff:127.0.0.1', port: 3306, inode: 40001 },
      { protocol: 'tcp', family: 6, address: 'fe80::fc:ff:fe00:1', port: 22, inode: 40002 },
    ]);
  });

  it('keeps bound UDP sockets and skips connected ones', () => {
    expect(parseProcNet(UDP, 'udp', 4)).toEqual([
      { protocol: 'udp', family: 4, address: '127.0.0.53', port: 53, inode: 18011 },
      { protocol: 'udp', family: 4, address: '0.0.0.0', port: 5353, inode: 19022 },
    ]);
    expect(parseProcNet(UDP6, 'udp', 6)).toEqual([{ protocol: 'udp', family: 6, address: '::', port: 5353, inode: 19023 }]);
  });

  it('ignores malformed lines and duplicates without throwing', () => {
    const lines = TCP.split('\n');
    const messy = [
      'garbage',
      '',
      '   9: ZZZZ0000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1',
      '   9: 0100007F:1F90 00000000:0000 0A', // truncated
      '   9: 0100007F 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1',
      lines[1],
      lines[1],
    ].join('\n');
    expect(parseProcNet(messy, 'tcp', 4)).toEqual([{ protocol: 'tcp', family: 4, address: '0.0.0.0', port: 5432, inode: 21512 }]);
    expect(parseProcNet(TCP, 'tcp', 6)).toEqual([]); // wrong family: address width mismatch
    expect(parseProcNet('\0\0\0', 'udp', 4)).toEqual([]);
  });
});

describe('parseLsofOutput', () => {
  it('parses captured field output', () => {
    expect(parseLsofOutput(LSOF)).toEqual([
      { protocol: 'tcp', family: 6, address: '::', port: 46211, inode: null, pid: 3574, command: 'node' },
      { protocol: 'tcp', family: 4, address: '127.0.0.1', port: 36795, inode: null, pid: 3574, command: 'node' },
      { protocol: 'tcp', family: 6, address: '::1', port: 38221, inode: null, pid: 3574, command: 'node' },
      { protocol: 'udp', family: 4, address: '127.0.0.1', port: 52553, inode: null, pid: 3574, command: 'node' },
      { protocol: 'udp', family: 6, address: '::', port: 43256, inode: null, pid: 3574, command: 'node' },
      { protocol: 'tcp', family: 4, address: '0.0.0.0', port: 5432, inode: null, pid: 812, command: 'postgres' },
    ]);
  });

  it('ignores junk', () => {
    expect(parseLsofOutput('')).toEqual([]);
    expect(parseLsofOutput("lsof: WARNING: can't stat() fuse file system\nx\nnfoo\ntIPv4\nPTCP\n")).toEqual([]);
  });
});

describe('listListeners with a fixture procRoot', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'portreg-proc-'));
    await mkdir(join(root, 'net'));
    await writeFile(join(root, 'net/tcp'), TCP);
    await writeFile(join(root, 'net/udp'), UDP);
    // tcp6/udp6 missing, as on a kernel without IPv6.
    await mkdir(join(root, '1')); // no fd dir: like another user's process (EACCES)
    await mkdir(join(root, '42/fd'), { recursive: true });
    await writeFile(join(root, '42/comm'), 'postgres\n');
    await symlink('/dev/null', join(root, '42/fd/0'));
    await symlink('socket:[21512]', join(root, '42/fd/3'));
    await mkdir(join(root, '77/fd'), { recursive: true });
    await writeFile(join(root, '77/cmdline'), 'dnsmasq\0--keep-in-foreground\0');
    await symlink('socket:[18011]', join(root, '77/fd/5'));
    await mkdir(join(root, 'self'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('maps socket inodes to processes', async () => {
    expect(await listListeners({ procRoot: root })).toEqual([
      { protocol: 'udp', family: 4, address: '127.0.0.53', port: 53, inode: 18011, pid: 77, command: 'dnsmasq --keep-in-foreground' },
      { protocol: 'udp', family: 4, address: '0.0.0.0', port: 5353, inode: 19022, pid: null, command: null },
      { protocol: 'tcp', family: 4, address: '0.0.0.0', port: 5432, inode: 21512, pid: 42, command: 'postgres' },
      { protocol: 'tcp', family: 4, address: '127.0.0.1', port: 8080, inode: 33817, pid: null, command: null },
    ]);
  });

  it('skips the process walk when includeProcesses is false', async () => {
    const listeners = await listListeners({ procRoot: root, includeProcesses: false });
    expect(listeners).toHaveLength(4);
    expect(listeners.every((l) => l.pid === null && l.command === null)).toBe(true);
    expect(await livePorts({ procRoot: root })).toEqual(new Set(['53/udp', '5432/tcp', '5353/udp', '8080/tcp']));
  });

  it('returns [] for an explicit procRoot without /proc/net', async () => {
    expect(await listListeners({ procRoot: join(root, 'missing') })).toEqual([]);
  });
});

// Probe at load time so the ::1 case can be skipped declaratively.
const hasIPv6Loopback = await new Promise<boolean>((resolve) => {
  const probe = net.createServer();
  probe.once('error', () => resolve(false));
  probe.listen(0, '::1', () => probe.close(() => resolve(true)));
});

const hasLsof = spawnSync('lsof', ['-v']).error === undefined;

describe('listListeners on this machine', () => {
  const servers: net.Server[] = [];
  let udp: dgram.Socket;
  const ports: Record<string, number> = {};

  const listen = (host: string) =>
    new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      servers.push(server);
      server.once('error', reject);
      server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
    });

  beforeAll(async () => {
    ports.loopback4 = await listen('127.0.0.1');
    ports.any4 = await listen('0.0.0.0');
    if (hasIPv6Loopback) ports.loopback6 = await listen('::1');
    udp = dgram.createSocket('udp4');
    ports.udp = await new Promise<number>((resolve) => udp.bind(0, '127.0.0.1', () => resolve(udp.address().port)));
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await new Promise<void>((resolve) => udp.close(() => resolve()));
  });

  const expectOwn = async (protocol: 'tcp' | 'udp', family: 4 | 6, address: string, port: number) => {
    const listeners = await listListeners();
    expect(listeners).toContainEqual(expect.objectContaining({ protocol, family, address, port, pid: process.pid }));
  };

  it('reports a TCP listener on 127.0.0.1', () => expectOwn('tcp', 4, '127.0.0.1', ports.loopback4!));
  it('reports a TCP listener on 0.0.0.0', () => expectOwn('tcp', 4, '0.0.0.0', ports.any4!));
  it.skipIf(!hasIPv6Loopback)('reports a TCP listener on ::1', () => expectOwn('tcp', 6, '::1', ports.loopback6!));
  it('reports a bound UDP socket', () => expectOwn('udp', 4, '127.0.0.1', ports.udp!));

  // The fallback other systems get, run for real here: .ci/run installs lsof.
  it.skipIf(!hasLsof && !process.env.CI)('finds the same sockets through the real lsof, with this process as owner', async () => {
    const listeners = await listListeners({ viaLsof: true, containers: false });
    const own = (protocol: string, family: number, address: string, port: number) =>
      expect(listeners).toContainEqual({ protocol, family, address, port, inode: null, pid: process.pid, command: expect.stringMatching(/node/) });
    own('tcp', 4, '127.0.0.1', ports.loopback4!);
    own('tcp', 4, '0.0.0.0', ports.any4!);
    if (hasIPv6Loopback) own('tcp', 6, '::1', ports.loopback6!);
    own('udp', 4, '127.0.0.1', ports.udp!);
  });

  it('livePorts contains them', async () => {
    const live = await livePorts();
    expect(live).toContain(`${ports.loopback4}/tcp`);
    expect(live).toContain(`${ports.any4}/tcp`);
    if (hasIPv6Loopback) expect(live).toContain(`${ports.loopback6}/tcp`);
    expect(live).toContain(`${ports.udp}/udp`);
  });
});

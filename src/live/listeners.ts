/**
 * What is listening on this machine right now: TCP sockets in LISTEN state and bound,
 * unconnected UDP sockets. Advisory data for an allocator that must skip ports in use,
 * so every failure degrades to "fewer results", never to an exception.
 *
 * Linux: /proc/net/{tcp,tcp6,udp,udp6}, with owners found via /proc/<pid>/fd socket links.
 * Elsewhere: `lsof -F` field output, when lsof is installed.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { endianness } from 'node:os';
import type { ContainerPort } from './containers.js';

export interface Listener {
  protocol: 'tcp' | 'udp';
  family: 4 | 6;
  /** '0.0.0.0', '127.0.0.1', '::', '::1', '::ffff:127.0.0.1', ... */
  address: string;
  port: number;
  /** Socket inode on Linux, else null. */
  inode: number | null;
  /** Owning process where visible (same user or root), else null. */
  pid: number | null;
  /** Short process name where visible. */
  command: string | null;
  /** The container that publishes this port (`docker ps`), when one does. */
  container?: string;
}

export type SocketEntry = Omit<Listener, 'pid' | 'command'>;

export interface ListListenersOptions {
  /** Where procfs is mounted; point it at a fixture folder in tests. Default '/proc'. */
  procRoot?: string;
  /** Map sockets to owning processes (walks /proc/<pid>/fd). Default true. */
  includeProcesses?: boolean;
  /**
   * Also ask the Docker engine for running containers' published ports. Default: true unless
   * procRoot is given (a fixture procfs says nothing about this machine's containers).
   */
  containers?: boolean;
  /** The docker command for that (default `docker` on PATH). */
  docker?: string;
  /** Read with lsof even where /proc/net exists (what other systems get; tests use it on Linux). */
  viaLsof?: boolean;
}

const TCP_LISTEN = '0A';
// UDP has no LISTEN; an unconnected bound socket reports TCP_CLOSE.
const UDP_UNCONNECTED = '07';
// /proc/net prints addresses as 32-bit words in host byte order.
const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * Parses one /proc/net/{tcp,tcp6,udp,udp6} file into listening/bound sockets.
 * Malformed lines are ignored; duplicates are dropped.
 */
export function parseProcNet(text: string, protocol: 'tcp' | 'udp', family: 4 | 6): SocketEntry[] {
  const out: SocketEntry[] = [];
  for (const line of text.split('\n')) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !/^\d+:$/.test(f[0]!)) continue; // header or junk
    const local = parseHexEndpoint(f[1]!, family);
    if (!local || local.port === 0) continue;
    const state = f[3]!.toUpperCase();
    const wanted = protocol === 'tcp' ? state === TCP_LISTEN : state === UDP_UNCONNECTED && /^[0:]+$/.test(f[2]!); // a non-zero remote is a connected client socket
    if (!wanted) continue;
    const inode = /^\d+$/.test(f[9]!) ? Number(f[9]) : 0;
    out.push({ protocol, family, address: local.address, port: local.port, inode: inode > 0 ? inode : null });
  }
  return dedupe(out);
}

/**
 * Parses `lsof -F pcfPtnT` output (process sets `p`/`c`, then one file set per `f`).
 * Keeps TCP sockets in LISTEN and UDP sockets without a peer (`->` in the name).
 */
export function parseLsofOutput(text: string): Listener[] {
  const out: Listener[] = [];
  let pid: number | null = null;
  let command: string | null = null;
  let file: Record<string, string> = {};

  const flush = (): void => {
    const entry = lsofFileToListener(file, pid, command);
    if (entry) out.push(entry);
    file = {};
  };

  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.length === 0) continue;
    const key = line[0]!;
    const value = line.slice(1);
    if (key === 'p') {
      flush();
      pid = /^\d+$/.test(value) ? Number(value) : null;
      command = null;
    } else if (key === 'c') {
      command = value || null;
    } else if (key === 'f') {
      flush();
    } else if (key === 'T') {
      // TCP info comes as several T lines (ST=, QR=, QS=); only the state matters.
      if (value.startsWith('ST=')) file.state = value.slice(3);
    } else if (key === 't' || key === 'P' || key === 'n') {
      if (key in file) flush(); // a repeated field means a new file set even without `f`
      file[key] = value;
    }
  }
  flush();
  return dedupe(out);
}

/** Everything listening right now. Never throws; returns [] when nothing can be read. */
export async function listListeners(options: ListListenersOptions = {}): Promise<Listener[]> {
  const includeProcesses = options.includeProcesses ?? true;
  const fromProc = options.viaLsof ? null : await readProcNet(options.procRoot ?? '/proc');
  let listeners: Listener[];
  if (fromProc) {
    listeners = fromProc.map((s) => ({ ...s, pid: null, command: null }));
    if (includeProcesses) await attachOwners(options.procRoot ?? '/proc', listeners);
  } else if (options.procRoot === undefined) {
    // An explicit procRoot means "read this procfs", so only the default falls back to lsof.
    listeners = await listWithLsof(includeProcesses);
  } else {
    listeners = [];
  }
  if (options.containers ?? options.procRoot === undefined) {
    const { listContainerPorts } = await import('./containers.js');
    mergeContainerPorts(listeners, await listContainerPorts({ docker: options.docker }));
  }
  return listeners.sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol) || a.family - b.family || a.address.localeCompare(b.address));
}

/** Ports in use as `${port}/${protocol}` keys. Skips the process walk unless asked for. */
export async function livePorts(options: ListListenersOptions = {}): Promise<Set<string>> {
  const listeners = await listListeners({ ...options, includeProcesses: options.includeProcesses ?? false });
  return new Set(listeners.map((l) => `${l.port}/${l.protocol}`));
}

/**
 * Names the container behind a socket docker-proxy holds for it; a mapping no socket shows
 * (no userland proxy) becomes a listener of its own.
 */
function mergeContainerPorts(listeners: Listener[], ports: readonly ContainerPort[]): void {
  for (const c of ports) {
    const held = listeners.find((l) => l.port === c.port && l.protocol === c.protocol && l.address === c.address);
    if (held) held.container ??= c.container;
    else
      listeners.push({
        protocol: c.protocol,
        family: c.family,
        address: c.address,
        port: c.port,
        inode: null,
        pid: null,
        command: null,
        container: c.container,
      });
  }
}

// ---------------------------------------------------------------------------------------------

/** Reads the four /proc/net tables; null when none of them exists (not Linux, or no procfs). */
async function readProcNet(procRoot: string): Promise<SocketEntry[] | null> {
  const tables = [
    ['tcp', 'tcp', 4],
    ['tcp6', 'tcp', 6],
    ['udp', 'udp', 4],
    ['udp6', 'udp', 6],
  ] as const;
  const texts = await Promise.all(tables.map(([file]) => readFile(`${procRoot}/net/${file}`, 'utf8').catch(() => null)));
  if (texts.every((t) => t === null)) return null;
  return dedupe(tables.flatMap(([, protocol, family], i) => parseProcNet(texts[i] ?? '', protocol, family)));
}

/**
 * Fills pid/command by finding `socket:[inode]` links in /proc/<pid>/fd. Other users'
 * processes (EACCES) and processes exiting mid-walk (ENOENT) are skipped silently.
 * A socket shared by several processes (fork after listen) gets the lowest pid.
 */
async function attachOwners(procRoot: string, listeners: Listener[]): Promise<void> {
  const wanted = new Map<number, Listener[]>();
  for (const l of listeners) {
    if (l.inode !== null) wanted.set(l.inode, [...(wanted.get(l.inode) ?? []), l]);
  }
  if (wanted.size === 0) return;

  const pids = (await readdir(procRoot).catch(() => [] as string[]))
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);

  // Small parallel batches keep the walk fast while still allowing an early stop.
  const BATCH = 32;
  for (let i = 0; i < pids.length && wanted.size > 0; i += BATCH) {
    const batch = pids.slice(i, i + BATCH);
    const inodesPerPid = await Promise.all(batch.map((pid) => socketInodes(procRoot, pid)));
    for (const [j, pid] of batch.entries()) {
      const owned = inodesPerPid[j]!.filter((inode) => wanted.has(inode));
      if (owned.length === 0) continue;
      const command = await processName(procRoot, pid);
      for (const inode of owned) {
        for (const l of wanted.get(inode) ?? []) Object.assign(l, { pid, command });
        wanted.delete(inode);
      }
    }
  }
}

async function socketInodes(procRoot: string, pid: number): Promise<number[]> {
  const dir = `${procRoot}/${pid}/fd`;
  const fds = await readdir(dir).catch(() => [] as string[]);
  const links = await Promise.all(fds.map((fd) => readlink(`${dir}/${fd}`).catch(() => '')));
  return links.flatMap((link) => {
    const m = /^socket:\[(\d+)\]$/.exec(link);
    return m ? [Number(m[1])] : [];
  });
}

async function processName(procRoot: string, pid: number): Promise<string | null> {
  const comm = await readFile(`${procRoot}/${pid}/comm`, 'utf8').catch(() => '');
  if (comm.trim()) return comm.trim();
  const cmdline = await readFile(`${procRoot}/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.split('\0').filter(Boolean).join(' ').slice(0, 200) || null;
}

/** `HEXIP:HEXPORT` from /proc/net into a printable address and port. */
function parseHexEndpoint(text: string, family: 4 | 6): { address: string; port: number } | null {
  const m = /^([0-9A-Fa-f]+):([0-9A-Fa-f]{4})$/.exec(text);
  if (!m || m[1]!.length !== (family === 4 ? 8 : 32)) return null;
  const bytes: number[] = [];
  for (let w = 0; w < m[1]!.length; w += 8) {
    const word = [0, 2, 4, 6].map((k) => parseInt(m[1]!.slice(w + k, w + k + 2), 16));
    bytes.push(...(LITTLE_ENDIAN ? word.reverse() : word));
  }
  return { address: family === 4 ? bytes.join('.') : formatIPv6(bytes), port: parseInt(m[2]!, 16) };
}

/** RFC 5952 text form (longest zero run as `::`), IPv4-mapped as `::ffff:a.b.c.d` like Node prints it. */
function formatIPv6(bytes: number[]): string {
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  let bestStart = -1;
  let bestLen = 1; // a single zero group is not compressed
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function lsofFileToListener(file: Record<string, string>, pid: number | null, command: string | null): Listener | null {
  const protocol = file.P === 'TCP' ? 'tcp' : file.P === 'UDP' ? 'udp' : null;
  const family = file.t === 'IPv4' ? 4 : file.t === 'IPv6' ? 6 : null;
  const name = file.n?.split(' ')[0];
  if (!protocol || !family || !name || name.includes('->')) return null; // `->` = connected to a peer
  if (protocol === 'tcp' && file.state !== undefined && file.state !== 'LISTEN') return null;
  const colon = name.lastIndexOf(':');
  const host = name.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(name.slice(colon + 1));
  if (colon < 1 || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  const address = host === '*' ? (family === 4 ? '0.0.0.0' : '::') : host;
  return { protocol, family, address, port, inode: null, pid, command };
}

async function listWithLsof(includeProcesses: boolean): Promise<Listener[]> {
  const fields = ['-F', 'pcfPtnT'];
  const outputs = await Promise.all([runLsof(['-nP', '-iTCP', '-sTCP:LISTEN', ...fields]), runLsof(['-nP', '-iUDP', ...fields])]);
  const listeners = parseLsofOutput(outputs.join('\n'));
  if (includeProcesses) return listeners;
  return dedupe(listeners.map((l) => ({ ...l, pid: null, command: null })));
}

/** lsof's stdout, or '' when it is missing or fails. Exit status 1 just means "no matches". */
function runLsof(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('lsof', args, { timeout: 10_000, maxBuffer: 32 * 1024 * 1024 }, (_error, stdout) => {
      resolve(typeof stdout === 'string' ? stdout : '');
    });
  });
}

function dedupe<T extends SocketEntry & { pid?: number | null }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.protocol}|${item.family}|${item.address}|${item.port}|${item.inode}|${item.pid}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Docker Compose `ports` short syntax: `[[IP:](port|range):](port|range)[/protocol]`.
 *
 * Compose parses it with compose-go's `types.ParsePortConfig`, which hands the string to
 * go-connections' `nat.ParsePortSpec` (splitParts, SplitProtoPort, parsePortRange, parsePortNumber)
 * and validates the host IP with Go's `net.ParseIP`. This module follows that code path step by step,
 * including its order of checks and its error texts, and adds source offsets so a caller can rewrite
 * exactly the host port that was written.
 *
 * Known differences from Compose, on purpose:
 * - Entries come out in range order; compose-go sorts them as strings ("10/tcp" before "8/tcp").
 * - Error messages are prefixed with the spec (`invalid port spec "…": <reference message>`).
 */

import { isProtocol, type Protocol } from '../protocol.js';

type Span = { start: number; end: number };

export interface PortSpecEntry {
  /** Host IP as written, without brackets; null when not given (or given as an empty `[]`). */
  hostIp: string | null;
  /** Host port; null when not published (container-only, or an empty host field as in `::80`). */
  published: number | null;
  /** Only for a host range mapped to a single container port (`8000-8010:80`); else null. */
  publishedEnd: number | null;
  /** Container port. */
  target: number;
  protocol: Protocol;
  /**
   * 0-based, end-exclusive offsets into the spec of the host port field, exactly as written.
   * For entries produced from a range the span covers the whole range text (`8000-8001`);
   * `rangeIndex` says which element of the range this entry is. Null when `published` is null.
   */
  publishedSpan: Span | null;
  /** The container port field as written (without `/protocol`). */
  targetSpan: Span;
  /** The host IP as written, inside the brackets if it was bracketed. Null when `hostIp` is null. */
  hostIpSpan: Span | null;
  /** Position of this entry in the expanded range; 0 for non-range entries. */
  rangeIndex: number;
}

export class PortSpecError extends Error {
  constructor(
    /** The text that was being parsed. */
    readonly spec: string,
    /** The reference implementation's own message, e.g. `invalid hostPort: 1.2.3.4`. */
    readonly reason: string,
    /** Offset into `spec` of the field at fault, when known. */
    readonly offset: number | null = null,
  ) {
    super(`invalid port spec ${JSON.stringify(spec)}: ${reason}`);
    this.name = 'PortSpecError';
  }
}

const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MAX = 2n ** 63n - 1n;

/**
 * nat.parsePortNumber: Go's `strconv.ParseInt(raw, 10, 0)` (an optional `+`/`-` sign, ASCII digits,
 * no spaces or underscores; leading zeros allowed) and then a 0–65535 check. Port 0 is valid here.
 */
export function parsePortNumber(raw: string): number {
  const fail = (reason: string): never => {
    throw new PortSpecError(raw, reason);
  };
  if (raw === '') fail('value is empty');
  const negative = raw[0] === '-';
  let i = raw[0] === '+' || negative ? 1 : 0;
  if (i === raw.length) fail('invalid syntax');
  if (raw.length - i <= 15) {
    // Up to 15 digits a double is exact and no 64-bit limit can be reached: the same checks without BigInt.
    let small = 0;
    for (; i < raw.length; i++) {
      const digit = raw.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) fail('invalid syntax');
      small = small * 10 + digit;
    }
    if (negative ? small !== 0 : small > 65535) fail('value out of range (0–65535)');
    return small;
  }
  let n = 0n;
  for (; i < raw.length; i++) {
    const digit = raw.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) fail('invalid syntax');
    n = n * 10n + BigInt(digit);
    // Go reports overflow as soon as the digits exceed uint64, before looking further.
    if (n > UINT64_MAX) fail('value out of range');
  }
  if (n > INT64_MAX + (negative ? 1n : 0n)) fail('value out of range');
  if (negative ? n !== 0n : n > 65535n) fail('value out of range (0–65535)');
  return Number(n);
}

/**
 * nat.parsePortRange: `port` or `start-end`, cut at the first `-` (so `1-2-3` is an invalid end port).
 * `start-start` is a single port, compared as text before the end is even parsed.
 */
export function parsePortRange(raw: string): { start: number; end: number } {
  if (raw === '') throw new PortSpecError(raw, 'empty string specified for ports');
  const dash = raw.indexOf('-');
  const startText = dash < 0 ? raw : raw.slice(0, dash);
  const endText = dash < 0 ? '' : raw.slice(dash + 1);
  const start = withReason(raw, `invalid start port '${startText}'`, () => parsePortNumber(startText));
  if (dash < 0 || startText === endText) return { start, end: start };
  const end = withReason(raw, `invalid end port '${endText}'`, () => parsePortNumber(endText));
  if (end < start) throw new PortSpecError(raw, `invalid port range: ${raw}`);
  return { start, end };
}

/**
 * nat.SplitProtoPort: cut at the first `/`. Both are empty when there is no port; a missing protocol
 * defaults to `tcp`. Neither part is validated or lower-cased here.
 */
export function splitProtoPort(raw: string): { proto: string; port: string } {
  const slash = raw.indexOf('/');
  const port = slash < 0 ? raw : raw.slice(0, slash);
  const proto = slash < 0 ? '' : raw.slice(slash + 1);
  if (port === '') return { proto: '', port: '' };
  return { proto: proto === '' ? 'tcp' : proto, port };
}

/** Parses one short-syntax `ports` entry the way Compose does; throws PortSpecError where Compose fails. */
export function parsePortSpec(text: string): PortSpecEntry[] {
  const fail = (reason: string, offset: number): never => {
    throw new PortSpecError(text, reason, offset);
  };
  const { ip, host, container } = splitParts(text);

  const slash = container.text.indexOf('/');
  const { proto: rawProto, port: containerPort } = splitProtoPort(container.text);
  if (containerPort === '') fail(`no port specified: ${text}<empty>`, container.start);
  const proto = rawProto.toLowerCase();
  const protocol = isProtocol(proto) ? proto : fail(`invalid proto: ${proto}`, container.start + slash + 1);

  let hostIp: string | null = null;
  let hostIpSpan: Span | null = null;
  if (ip && ip.text !== '') {
    let address = ip.text;
    let start = ip.start;
    if (address.startsWith('[')) {
      const error = bracketError(address);
      if (error !== null) fail(`invalid IP address ${address}: ${error}`, ip.start);
      address = address.slice(1, -1);
      start += 1;
    }
    // An empty `[]` is accepted and means "no IP", exactly like an empty field.
    if (address !== '') {
      if (!isIpAddress(address)) fail(`invalid IP address: ${address}`, ip.start);
      hostIp = address;
      hostIpSpan = { start, end: start + address.length };
    }
  }

  const targetSpan = { start: container.start, end: container.start + containerPort.length };
  const targets = tryRange(containerPort) ?? fail(`invalid containerPort: ${containerPort}`, container.start);

  let hosts: { start: number; end: number } | null = null;
  let publishedSpan: Span | null = null;
  if (host && host.text !== '') {
    hosts = tryRange(host.text) ?? fail(`invalid hostPort: ${host.text}`, host.start);
    publishedSpan = { start: host.start, end: host.start + host.text.length };
    // A host range may differ in size only when the container side is a single port:
    // Compose then treats the host range as the pool to allocate that one port from.
    const sameSize = targets.end - targets.start === hosts.end - hosts.start;
    if (!sameSize && targets.end !== targets.start) {
      fail(`invalid ranges specified for container and host Ports: ${containerPort} and ${host.text}`, host.start);
    }
  }

  const count = targets.end - targets.start + 1;
  const entries: PortSpecEntry[] = [];
  for (let i = 0; i < count; i++) {
    entries.push({
      hostIp,
      published: hosts ? hosts.start + i : null,
      publishedEnd: hosts && count === 1 && hosts.start !== hosts.end ? hosts.end : null,
      target: targets.start + i,
      protocol,
      publishedSpan,
      targetSpan,
      hostIpSpan,
      rangeIndex: i,
    });
  }
  return entries;
}

type Field = { text: string; start: number };

/**
 * nat.splitParts: split on every `:`; the last part is the container port, the one before it the host
 * port, and everything before that (colons included) the IP. Hence bare IPv6 works only with both
 * ports present (`::1:80:80`), and `1.2.3.4:80` is HOST:CONTAINER.
 */
function splitParts(text: string): { ip: Field | null; host: Field | null; container: Field } {
  const lastColon = text.lastIndexOf(':');
  const container = { text: text.slice(lastColon + 1), start: lastColon + 1 };
  if (lastColon < 0) return { ip: null, host: null, container };
  const hostColon = text.lastIndexOf(':', lastColon - 1);
  const host = { text: text.slice(hostColon + 1, lastColon), start: hostColon + 1 };
  if (hostColon < 0) return { ip: null, host, container };
  return { ip: { text: text.slice(0, hostColon), start: 0 }, host, container };
}

/** Runs `parse`, replacing the reason of a PortSpecError with `prefix: reason` for `raw`. */
function withReason<T>(raw: string, prefix: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof PortSpecError) throw new PortSpecError(raw, `${prefix}: ${error.reason}`);
    throw error;
  }
}

function tryRange(raw: string): { start: number; end: number } | null {
  try {
    return parsePortRange(raw);
  } catch (error) {
    if (error instanceof PortSpecError) return null;
    throw error;
  }
}

/**
 * Why `net.SplitHostPort(ip + ":")` refuses a bracketed IP, or null when it accepts it (the `]` is
 * the last character and no other `[` follows). Uses Go's `address <addr>: <why>` wording.
 */
function bracketError(ip: string): string | null {
  const hostport = `${ip}:`;
  const close = hostport.indexOf(']');
  let why: string | null = null;
  if (close < 0) why = "missing ']' in address";
  else if (close !== ip.length - 1) {
    why = hostport[close + 1] === ':' ? 'too many colons in address' : 'missing port in address';
  } else if (hostport.indexOf('[', 1) >= 0) why = "unexpected '[' in address";
  return why === null ? null : `address ${hostport}: ${why}`;
}

/**
 * `net.ParseIP(s) != nil` in current Go (netip rules): the first `.` or `:` decides between IPv4 and
 * IPv6; zones (`%eth0`) are refused.
 */
function isIpAddress(s: string): boolean {
  for (const c of s) {
    if (c === '.') return isIPv4(s);
    if (c === ':') return isIPv6(s);
    if (c === '%') return false;
  }
  return false;
}

/** Four decimal octets 0–255, no leading zeros (Go has refused `010` since 1.17). */
function isIPv4(s: string): boolean {
  const octets = s.split('.');
  return octets.length === 4 && octets.every((o) => /^(?:0|[1-9][0-9]{0,2})$/.test(o) && Number(o) <= 255);
}

/** Go's netip IPv6 parser: 1–4 hex digits per group, one `::`, an optional trailing IPv4. */
function isIPv6(s: string): boolean {
  if (s.includes('%')) return false;
  let groups = 0; // 16-bit groups filled so far
  let ellipsis = -1; // group index where `::` stands
  let p = 0;
  if (s.startsWith('::')) {
    ellipsis = 0;
    p = 2;
    if (p === s.length) return true;
  }
  while (groups < 8) {
    let q = p;
    while (q < s.length && /[0-9a-fA-F]/.test(s[q]!)) {
      if (++q - p > 4) return false;
    }
    if (q === p) return false;
    if (s[q] === '.') {
      // An embedded IPv4 must take exactly the last two groups.
      if ((ellipsis < 0 && groups !== 6) || groups > 6) return false;
      if (!isIPv4(s.slice(p))) return false;
      groups += 2;
      p = s.length;
      break;
    }
    groups++;
    p = q;
    if (p === s.length) break;
    if (s[p] !== ':' || p + 1 === s.length) return false;
    p++;
    if (s[p] === ':') {
      if (ellipsis >= 0) return false;
      ellipsis = groups;
      p++;
      if (p === s.length) break;
    }
  }
  if (p !== s.length) return false;
  // `::` must stand for at least one zero group, and without it all eight groups are needed.
  return groups < 8 ? ellipsis >= 0 : ellipsis < 0;
}

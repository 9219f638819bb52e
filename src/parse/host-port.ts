/**
 * Ports inside configuration values: URLs with an explicit port (`postgres://u:pw@db:5432/app`,
 * `http://localhost:5000/x`) and host:port pairs with a local host (`localhost:5000`,
 * `127.0.0.1:5000`, `[::1]:5000`). Bare `name:number` is not a port here: it is as often an
 * image tag (`redis:7`) or a time (`12:30`).
 *
 * Each pattern is linear: no nested quantifiers, and every repetition stops at a character
 * the next part needs, so a long adversarial value costs one pass.
 */

export interface HostPort {
  host: string;
  port: number;
  /** Offsets of the port digits in the value, end exclusive. */
  start: number;
  end: number;
  /** The whole match (`postgres://db:5432`, `localhost:5000`). */
  raw: string;
  /** True when written as a URL with a scheme. */
  url: boolean;
}

// scheme://[userinfo@]host:port followed by a path, query, fragment or the end of the token.
// A port never runs into '@': `user:1234@db` is a password. The host may be `${VAR}`.
const URL_PORT =
  /\b([a-zA-Z][a-zA-Z0-9+.-]{0,31}):\/\/(?:[^\s@/?#]{0,256}@)?(\[[0-9a-fA-F:.]{2,45}\]|\$\{[A-Za-z_][A-Za-z0-9_]{0,63}\}|[A-Za-z0-9._~%-]{1,253}):(\d{1,5})(?![\d.:A-Za-z@])/g;
// Further hosts of a multi-host URL: mongodb://h1:27017,h2:27018/db.
const NEXT_HOST_PORT = /,(\[[0-9a-fA-F:.]{2,45}\]|[A-Za-z0-9._~%-]{1,253}):(\d{1,5})(?![\d.:A-Za-z@])/y;
const LOCAL_HOST_PORT = /(?<![\w.:/@-])(localhost|127\.0\.0\.1|0\.0\.0\.0|host\.docker\.internal|\[::1?\]):(\d{1,5})(?![\d.:A-Za-z@])/g;

export function findHostPorts(value: string): HostPort[] {
  const found: HostPort[] = [];
  // Every pattern needs a ':' before the port, and a URL needs '://': most values have neither.
  if (!value.includes(':')) return found;
  const taken = new Set<number>();
  if (value.includes('://'))
    for (const m of value.matchAll(URL_PORT)) {
      const port = Number(m[3]);
      if (port < 1 || port > 65535) continue;
      const end = m.index + m[0].length;
      const start = end - m[3]!.length;
      taken.add(start);
      found.push({ host: stripBrackets(m[2]!), port, start, end, raw: m[0], url: true });
      NEXT_HOST_PORT.lastIndex = end;
      for (let next = NEXT_HOST_PORT.exec(value); next; next = NEXT_HOST_PORT.exec(value)) {
        const nextPort = Number(next[2]);
        const nextEnd = next.index + next[0].length;
        if (nextPort >= 1 && nextPort <= 65535) {
          taken.add(nextEnd - next[2]!.length);
          found.push({ host: stripBrackets(next[1]!), port: nextPort, start: nextEnd - next[2]!.length, end: nextEnd, raw: next[0].slice(1), url: true });
        }
      }
    }
  for (const m of value.matchAll(LOCAL_HOST_PORT)) {
    const port = Number(m[2]);
    const end = m.index + m[0].length;
    const start = end - m[2]!.length;
    if (port < 1 || port > 65535 || taken.has(start)) continue;
    found.push({ host: stripBrackets(m[1]!), port, start, end, raw: m[0], url: false });
  }
  return found.sort((a, b) => a.start - b.start);
}

function stripBrackets(host: string): string {
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/** Hosts that are this machine, as a client on it writes them (`[::1]` without its brackets). */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '0.0.0.0', '::1', '::', 'host.docker.internal']);

export function isLocalHost(host: string): boolean {
  return LOCAL_HOSTS.has(host.toLowerCase());
}

/** Keys whose value is a port: PORT, API_PORT, and lists in *_PORTS. */
export function isPortVariable(key: string): boolean {
  return /^(?:[A-Za-z0-9_]*_)?PORTS?$/i.test(key);
}

/**
 * The MCP server over Streamable HTTP (stateless: a fresh server and transport per request,
 * JSON responses). Stateless because nothing needs a session: every tool call is one request
 * and one answer that re-reads the registry, the server sends nothing on its own, and the one
 * thing spanning two calls (a reassign plan) travels in the answer as its planId; so there is
 * nothing to resume, and a repeated call is simply answered afresh.
 * The server can change the registry, so it protects itself:
 *
 * - it binds 127.0.0.1 unless told otherwise;
 * - Host and Origin are checked against the names the server answers to, port-agnostic, as
 *   the SDK's `hostHeaderValidation` middleware does (DNS rebinding: a web page whose name
 *   resolves to 127.0.0.1 must not reach it from a browser);
 * - a bearer token (`--token` / PORTREG_MCP_TOKEN) is required before it listens on anything
 *   but loopback, and checked on every request whenever one is set.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { usageError } from '../errors.js';

export const MCP_PATH = '/mcp';
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export interface HttpServerOptions {
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  token?: string;
  /** More host names the server answers to (beyond loopback and the bound host). */
  allowedHosts?: string[];
  /** A fresh MCP server for each request. */
  createServer: () => McpServer;
  log?: (line: string) => void;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** A host as it appears in a URL's hostname (IPv6 in brackets, lower case). */
function asHostname(host: string): string {
  const h = host.toLowerCase();
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

export function allowedHostnames(host: string, extra: string[] = []): string[] {
  const names = new Set(LOOPBACK_NAMES);
  if (host !== '0.0.0.0' && host !== '::') names.add(asHostname(host));
  for (const e of extra) names.add(asHostname(e));
  return [...names];
}

/** Why a request's headers are refused (status and message), or null when they pass. */
export function checkRequestHeaders(
  headers: http.IncomingHttpHeaders,
  policy: { hostnames: string[]; token?: string },
): { status: number; message: string } | null {
  const host = headers.host;
  if (!host) return { status: 403, message: 'Missing Host header' };
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return { status: 403, message: `Invalid Host header: ${host}` };
  }
  if (!policy.hostnames.includes(hostname)) {
    return { status: 403, message: `Invalid Host: ${hostname} (this server answers to ${policy.hostnames.join(', ')}; add names with --allowed-host)` };
  }
  const origin = headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).hostname;
    } catch {
      // judged below
    }
    if (!originHost || !policy.hostnames.includes(originHost)) return { status: 403, message: `Invalid Origin: ${origin}` };
  } else if (origin === 'null') {
    return { status: 403, message: 'Invalid Origin: null' };
  }
  if (policy.token !== undefined) {
    const m = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
    const given = Buffer.from(m?.[1]?.trim() ?? '');
    const expected = Buffer.from(policy.token);
    if (!m || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { status: 401, message: 'Unauthorized: send "Authorization: Bearer <token>" with the server\'s token (--token or PORTREG_MCP_TOKEN)' };
    }
  }
  return null;
}

function sendJsonRpcError(res: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

/** How long a kept-alive socket may stay idle between requests. */
export const KEEP_ALIVE_MS = 65_000;

/** The shortest token accepted: a guessable one would make the token check a formality. */
export const MIN_TOKEN_LENGTH = 16;

/** Refuses a token no client could send usefully: empty, blank, padded with spaces, or short. */
export function checkToken(token: string): void {
  if (token.trim() === '') {
    throw usageError(
      'mcp-token-invalid',
      'the token is empty or blank: no client could send it; pass a random one of 16 characters or more (for example: openssl rand -hex 24)',
    );
  }
  if (token.trim() !== token) {
    throw usageError('mcp-token-invalid', 'the token starts or ends with white space, which HTTP clients drop from the Authorization header; pass it without');
  }
  if (token.length < MIN_TOKEN_LENGTH) {
    throw usageError(
      'mcp-token-invalid',
      `the token has ${token.length} character${token.length === 1 ? '' : 's'}; it needs ${MIN_TOKEN_LENGTH} or more, or it can be guessed (for example: openssl rand -hex 24)`,
    );
  }
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => void process.stderr.write(line + '\n'));
  const token = options.token;
  if (token !== undefined) checkToken(token);
  if (!isLoopbackHost(host) && !token) {
    throw usageError(
      'mcp-token-required',
      `refusing to listen on ${host} without a token: anyone who can reach it could change the registry; pass --token (or set PORTREG_MCP_TOKEN), or listen on 127.0.0.1`,
    );
  }
  const policy = { hostnames: allowedHostnames(host, options.allowedHosts), token };

  const server = http.createServer(
    // Must exceed the keep-alive time, or a request arriving late on a kept socket is cut off.
    { headersTimeout: KEEP_ALIVE_MS + 5_000, requestTimeout: 5 * 60_000 },
    (req, res) => {
      void handle(req, res).catch((err: unknown) => {
        log(`portreg mcp: http error: ${(err as Error).stack ?? String(err)}`);
        if (!res.headersSent) sendJsonRpcError(res, 500, 'Internal server error');
        else res.end();
      });
    },
  );

  // Longer than the idle time of common clients' pooled sockets (browsers, undici and proxies
  // keep one for up to a minute): Node's 5 s default closed sockets a client was about to reuse,
  // and its next call failed with "other side closed".
  server.keepAliveTimeout = KEEP_ALIVE_MS;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refused = checkRequestHeaders(req.headers, policy);
    if (refused) {
      log(`portreg mcp: refused ${req.method} ${url.pathname}: ${refused.message}`);
      sendJsonRpcError(res, refused.status, refused.message, refused.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
      return;
    }
    if (url.pathname !== MCP_PATH) {
      sendJsonRpcError(res, 404, `Not found: the MCP endpoint is ${MCP_PATH}`);
      return;
    }
    if (req.method !== 'POST') {
      // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
      sendJsonRpcError(res, 405, 'Method not allowed: this server is stateless, POST JSON-RPC messages to it', { allow: 'POST' });
      return;
    }
    const mcp = options.createServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? usageError('mcp-port-in-use', `cannot listen on ${host}:${options.port}: the port is in use (portreg who ${options.port} --live says by whom)`)
          : usageError('mcp-listen-failed', `cannot listen on ${host}:${options.port}: ${err.message}`),
      );
    });
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}${MCP_PATH}`,
    port: address.port,
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

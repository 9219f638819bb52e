/**
 * The Streamable HTTP transport: the same tools on loopback (an ephemeral port), the Host and
 * Origin checks against DNS rebinding, and the token required off loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { checkRequestHeaders, allowedHostnames, isLoopbackHost } from '../../src/mcp/http.js';
import { CLI, runCli, tempDir, testEnv } from '../helpers/cli.js';
import { writeRegistry } from '../helpers/registry-fixture.js';
import { TOOL_NAMES } from '../helpers/mcp-tools.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('portreg-mcp-http-'));
  await writeRegistry(dir, { billing: { range: { from: 5000, to: 5099 }, services: { api: { port: 5001, purpose: 'REST API' } } } });
});
afterAll(() => cleanup());

interface Served {
  child: ChildProcess;
  url: URL;
  stderr: () => string;
  stop: () => Promise<number | null>;
}

/** Starts `portreg mcp --http 0 ...` and waits for the address it prints on stderr. */
function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'mcp', '--http', '0', '--registry', 'ports.registry.json', ...args], {
      cwd: dir,
      env: testEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = /listening on (http:\/\/\S+\/mcp);/.exec(stderr);
      if (m) {
        resolve({
          child,
          url: new URL(m[1]!),
          stderr: () => stderr,
          stop: async () => {
            child.kill('SIGTERM');
            const code = await exited;
            expect(stdout).toBe('');
            return code;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`portreg mcp exited with ${code}: ${stderr}`)));
  });
}

function rawPost(url: URL, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const text = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('portreg mcp --http', () => {
  it('answers the same calls on loopback, on an ephemeral port', async () => {
    const served = await serve([]);
    expect(served.url.hostname).toBe('127.0.0.1');
    const client = new Client({ name: 'portreg-http-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(served.url));
    try {
      expect(client.getServerVersion()?.name).toBe('meta');
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(TOOL_NAMES);
      const a = (await client.callTool({ name: 'allocate_port', arguments: { projectName: 'billing', serviceName: 'web', purpose: 'web' } })) as CallToolResult;
      expect(a.structuredContent).toMatchObject({ port: 5002, created: true, url: 'http://localhost:5002' });
      const list = (await client.callTool({ name: 'list_ports', arguments: { projectName: 'billing' } })) as CallToolResult;
      expect(list.structuredContent).toMatchObject({ projects: [{ used: 2, services: [{ service: 'api' }, { service: 'web' }] }] });
      const check = (await client.callTool({ name: 'check_port', arguments: { port: 5001 } })) as CallToolResult;
      expect(check.structuredContent).toMatchObject({ owners: [{ service: 'api' }] });
      const unknown = (await client.callTool({ name: 'release_port', arguments: { projectName: 'nope', serviceName: 'x' } })) as CallToolResult;
      expect(unknown.isError).toBe(true);
      expect(text(unknown)).toMatch(/^project "nope" is unknown: register it with "portreg project add nope"/);
      const released = (await client.callTool({ name: 'release_port', arguments: { projectName: 'billing', serviceName: 'web' } })) as CallToolResult;
      expect(released.structuredContent).toMatchObject({ port: 5002, released: true });
    } finally {
      await client.close();
    }

    // DNS rebinding: a page at evil.example that resolves to 127.0.0.1 sends its own Host and Origin.
    const badHost = await rawPost(served.url, { host: `evil.example:${served.url.port}` });
    expect(badHost.status).toBe(403);
    expect(JSON.parse(badHost.body)).toMatchObject({ error: { message: expect.stringMatching(/^Invalid Host: evil\.example/) } });
    const badOrigin = await rawPost(served.url, { host: `127.0.0.1:${served.url.port}`, origin: 'http://evil.example' });
    expect(badOrigin.status).toBe(403);
    expect(JSON.parse(badOrigin.body).error.message).toBe('Invalid Origin: http://evil.example');
    const good = await rawPost(served.url, { host: `localhost:${served.url.port}`, origin: `http://localhost:${served.url.port}` });
    expect(good.status).not.toBe(403);
    expect(served.stderr()).toContain('refused POST /mcp: Invalid Host: evil.example');
    expect(await served.stop()).toBe(0);
  });

  it('refuses to start on a non-loopback host without a token', async () => {
    const r = await runCli(['mcp', '--http', '0', '--host', '0.0.0.0', '--registry', 'ports.registry.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'portreg: refusing to listen on 0.0.0.0 without a token: anyone who can reach it could change the registry; pass --token (or set PORTREG_MCP_TOKEN), or listen on 127.0.0.1\n',
    );
  });

  it('refuses a token no client could send, or one short enough to guess, and says why', async () => {
    const start = (token: string) => runCli(['mcp', '--http', '0', '--host', '0.0.0.0', '--token', token, '--registry', 'ports.registry.json'], { cwd: dir });
    expect(await start(' ')).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'portreg: the token is empty or blank: no client could send it; pass a random one of 16 characters or more (for example: openssl rand -hex 24)\n',
    });
    expect(await start(' padded-token-of-24-chars ')).toMatchObject({
      code: 2,
      stderr: 'portreg: the token starts or ends with white space, which HTTP clients drop from the Authorization header; pass it without\n',
    });
    expect(await start('short')).toMatchObject({
      code: 2,
      stderr: 'portreg: the token has 5 characters; it needs 16 or more, or it can be guessed (for example: openssl rand -hex 24)\n',
    });
  });

  it('keeps an idle socket open longer than a client pools it (a call after 6 s of quiet reuses it)', async () => {
    const served = await serve([]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const post = () =>
        new Promise<{ status: number; socket: unknown }>((resolve, reject) => {
          const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
          const req = http.request(
            {
              agent,
              host: '127.0.0.1',
              port: served.url.port,
              path: '/mcp',
              method: 'POST',
              headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(body) },
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve({ status: res.statusCode!, socket: req.socket }));
            },
          );
          req.on('error', reject);
          req.end(body);
        });
      const first = await post();
      expect(first.status).toBe(200);
      // Node's default server keep-alive is 5 s: past it, the server closes the socket the agent keeps.
      await new Promise((r) => setTimeout(r, 6_000));
      const second = await post();
      expect(second.status).toBe(200);
      expect(second.socket).toBe(first.socket);
    } finally {
      agent.destroy();
      await served.stop();
    }
  });

  it('with a token (here from PORTREG_MCP_TOKEN) listens off loopback and wants the token on every request', async () => {
    const served = await serve(['--host', '0.0.0.0'], { PORTREG_MCP_TOKEN: 's3cret-token-of-24-chars' });
    try {
      const url = new URL(`http://127.0.0.1:${served.url.port}/mcp`);
      const none = await rawPost(url, { host: `127.0.0.1:${url.port}` });
      expect(none.status).toBe(401);
      const wrong = await rawPost(url, { host: `127.0.0.1:${url.port}`, authorization: 'Bearer nope' });
      expect(wrong.status).toBe(401);
      const client = new Client({ name: 'portreg-http-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: 'Bearer s3cret-token-of-24-chars' } } }));
      const r = (await client.callTool({ name: 'check_port', arguments: { port: 22 } })) as CallToolResult;
      expect(r.structuredContent).toMatchObject({ reservations: [{ reason: 'SSH' }] });
      await client.close();
    } finally {
      await served.stop();
    }
  });
});

describe('request checks', () => {
  const policy = { hostnames: allowedHostnames('127.0.0.1') };
  it('allows loopback names on any port, and refuses others', () => {
    expect(checkRequestHeaders({ host: '127.0.0.1:8080' }, policy)).toBeNull();
    expect(checkRequestHeaders({ host: 'localhost' }, policy)).toBeNull();
    expect(checkRequestHeaders({ host: '[::1]:9' }, policy)).toBeNull();
    expect(checkRequestHeaders({}, policy)).toEqual({ status: 403, message: 'Missing Host header' });
    expect(checkRequestHeaders({ host: 'attacker.test:80' }, policy)?.status).toBe(403);
    expect(checkRequestHeaders({ host: 'localhost', origin: 'null' }, policy)?.status).toBe(403);
    expect(checkRequestHeaders({ host: 'localhost', origin: 'http://localhost:3000' }, policy)).toBeNull();
  });
  it('adds the bound host and --allowed-host names', () => {
    expect(allowedHostnames('10.1.2.3', ['box.internal'])).toEqual(['localhost', '127.0.0.1', '[::1]', '10.1.2.3', 'box.internal']);
    expect(allowedHostnames('::')).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(allowedHostnames('fd00::1')).toContain('[fd00::1]');
  });
  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.3.0.1', 'localhost', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.1', 'example.com'].some(isLoopbackHost)).toBe(false);
  });
});

import { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { parsePort, storeOptions } from '../context.js';
import { locateRegistry } from '../../config/locate-registry.js';

interface McpCommandOptions {
  registry?: string;
  http?: string;
  host: string;
  token?: string;
  allowedHost?: string[];
  probe?: boolean;
  branchClaims?: boolean;
  git?: boolean;
}

export function mcpCommand(ctx: CommandContext): Command {
  const cmd = new Command('mcp')
    .description(
      'serve the registry to MCP clients (server "meta": allocate_port, release_port, check_port, list_ports, lint) on stdio, or over HTTP with --http',
    )
    .option(
      '--registry <path>',
      'the registry file (default: PORTREG_REGISTRY, the config file, or the nearest ports.registry.json upward); re-read on every call',
    )
    .option('--http <port>', 'serve Streamable HTTP on this port (0: any free one) instead of stdio')
    .option('--host <address>', 'the address to listen on with --http (anything but loopback needs a token)', '127.0.0.1')
    .option('--token <token>', 'the bearer token HTTP clients must send (default: PORTREG_MCP_TOKEN)')
    .option('--allowed-host <name...>', 'more host names the HTTP server answers to (Host and Origin checks)')
    .option('--probe', 'allocate_port skips ports something listens on right now (default, except when CI is set)')
    .option('--no-probe', 'allocate_port does not look at the ports in use on this machine')
    .option('--branch-claims', 'allocate_port skips ports other remote-tracking branches give to another service (default; "branchClaims" in the config)')
    .option('--no-branch-claims', 'allocate_port does not read the registry of other branches')
    .option('--git', 'allocate_port and release_port change the registry on the git remote and push it (docs/git-allocation.md; "git" in the config)')
    .option('--no-git', 'change the local registry, even when the config has "git"')
    .addHelpText(
      'after',
      `
Stdout carries only MCP messages; logs go to stderr. Every tool call re-reads the registry and
writes under the same lock as "portreg allocate". Example client configuration:
  { "mcpServers": { "meta": { "command": "npx", "args": ["portreg", "mcp"],
      "env": { "PORTREG_REGISTRY": "/srv/infra/ports.registry.json" } } } }`,
    );
  cmd.action(async (options: McpCommandOptions) => {
    const { createPortregMcpServer } = await import('../../mcp/server.js');
    const log = (line: string) => ctx.stderr(line + '\n');
    const probe = cmd.getOptionValueSource('probe') === 'cli' ? options.probe !== false : undefined;
    const lock = storeOptions(ctx).lock;
    const branchClaims = cmd.getOptionValueSource('branchClaims') === 'cli' ? options.branchClaims : undefined;
    const git = cmd.getOptionValueSource('git') === 'cli' ? options.git : undefined;
    const create = () => createPortregMcpServer({ cwd: ctx.cwd, env: ctx.env, registry: options.registry, probe, now: ctx.now, log, lock, branchClaims, git });

    // Say which registry the calls will use; a missing one is not fatal (each call says what to do).
    const where = await locateRegistry({ cwd: ctx.cwd, explicit: options.registry, env: ctx.env }).then(
      (r) => `registry ${r.path}`,
      (err: Error) => `no registry yet (${err.message})`,
    );

    if (options.http !== undefined) {
      const port = options.http === '0' ? 0 : parsePort(options.http);
      const { startHttpServer } = await import('../../mcp/http.js');
      const running = await startHttpServer({
        port,
        host: options.host,
        token: options.token ?? ctx.env.PORTREG_MCP_TOKEN,
        allowedHosts: options.allowedHost,
        createServer: create,
        log,
      });
      log(`portreg mcp: listening on ${running.url}; ${where}`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await running.close();
      return;
    }

    const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
    const server = create();
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => {
      transport.onclose = () => resolve();
      // The client closing our stdin is the end of the session.
      process.stdin.once('end', () => resolve());
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await server.connect(transport);
    log(`portreg mcp: serving on stdio; ${where}`);
    await closed;
    await server.close();
  });
  return cmd;
}

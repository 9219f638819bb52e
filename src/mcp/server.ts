/**
 * The MCP server: a thin layer over the library functions the CLI uses. Every call locates
 * and re-reads the registry, writes go through the same lock and compare-and-set as
 * `portreg allocate`, and a PortregError becomes an `isError` result whose text says what to
 * do next. Named `meta`, so clients show the tools as `mcp__meta__allocate_port` and so on.
 *
 * Nothing here writes to stdout: on stdio that is the protocol. Logs go to `log` (stderr).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { packageVersion } from '../package-info.js';
import { NAME_MAX_LENGTH, NAME_PATTERN, NAME_RULE } from '../registry/names.js';
import { PortregError } from '../errors.js';
import { allocatePort, describePort, requireProject, unusedServiceName } from '../registry/allocator.js';
import { describePortLines, listing, portsLeft } from '../registry/listing.js';
import { locateRegistry } from '../config/locate-registry.js';
import { branchClaimsEnabled, remoteTargetOf } from '../config/load-config.js';
import { commitMessage, refuseWithGit, remoteLines, remoteSummary, writeThroughRemote } from '../registry/remote.js';
import { readBranchClaims } from '../registry/branch-claims.js';
import type { LockOptions } from '../registry/lock.js';
import { allocationChange, allocationSummary, readRegistry, releaseChange, type Allocation } from '../registry/operations.js';
import { suggestFreePort } from '../registry/suggest.js';
import { formatRange, reservationRange, type Registry } from '../registry/types.js';
import { probeLivePorts, shouldProbe } from '../live/probe.js';
import { describeListener } from '../live/report.js';
import { lintForMcp, MAX_LINT_FINDINGS } from './lint.js';

export const SERVER_NAME = 'meta';

export interface PortregMcpOptions {
  /** Where relative paths (the registry, lint paths) are resolved. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** --registry; otherwise PORTREG_REGISTRY, the config file, or the nearest ports.registry.json. */
  registry?: string;
  /** --probe (true) / --no-probe (false); unset: probe unless CI is set, as `portreg allocate`. */
  probe?: boolean;
  now?: () => Date;
  /** A line for the operator (stderr); never stdout. */
  log?: (line: string) => void;
  /** How long to wait for another writer's lock (the CLI passes PORTREG_LOCK_TIMEOUT's). */
  lock?: LockOptions;
  /** --branch-claims / --no-branch-claims; unset: the config's "branchClaims" (default on). */
  branchClaims?: boolean;
  /** --git / --no-git; unset: the config's "git" decides (docs/git-allocation.md). */
  git?: boolean;
}

// ---- schemas ------------------------------------------------------------------------------

/** A required, non-empty string whose errors say what the field is for. */
function requiredString(name: string, what: string) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `${name} is required: ${what}` : `${name} must be a string: ${what}`) })
    .min(1, { error: `${name} must not be empty: ${what}` });
}

/** A project or service name, with the registry schema's rule, so a client sees it before it calls. */
function registryName(name: string, what: string) {
  return requiredString(name, what)
    .max(NAME_MAX_LENGTH, { error: `${name} must be at most ${NAME_MAX_LENGTH} characters` })
    .regex(NAME_PATTERN, { error: `${name} must be a name of ${NAME_RULE}` });
}

const projectName = registryName('projectName', 'the project, as registered (list_ports names them)').describe(
  'the project, as registered (list_ports names them)',
);
const serviceName = registryName('serviceName', 'the service within the project, for example "api" or "postgres"').describe(
  'the service within the project, for example api or postgres',
);
const portNumber = z
  .number({ error: (issue) => (issue.input === undefined ? 'port is required: a number from 1 to 65535' : 'port must be a number from 1 to 65535') })
  .int({ error: 'port must be a whole number from 1 to 65535' })
  .min(1, { error: 'port must be from 1 to 65535' })
  .max(65535, { error: 'port must be from 1 to 65535' });

const rangeSchema = z.object({ from: z.number().int(), to: z.number().int() });
const protocolList = z.array(z.enum(['tcp', 'udp', 'sctp']));

const gitSchema = z
  .object({
    remote: z.string(),
    branch: z.string(),
    commit: z.string().nullable().describe('the commit pushed; null when nothing changed'),
    attempts: z.number().int().describe('pushes tried: more than 1 when the branch moved meanwhile'),
  })
  .optional()
  .describe('with --git: the change was made on this branch of the remote, not in the working tree (git pull brings it in)');

const allocateOutput = {
  port: z.number().int(),
  project: z.string(),
  service: z.string(),
  range: rangeSchema,
  created: z.boolean().describe('false when the service already had this port (an idempotent repeat)'),
  url: z.string(),
  skippedLive: z.array(z.number().int()).describe('free ports skipped because something listens on them right now'),
  warnings: z.array(z.string()),
  git: gitSchema,
  update: z
    .object({
      files: z.array(z.object({ file: z.string(), what: z.string(), created: z.boolean() })).describe('files written, and what changed in each'),
      compose: z
        .array(
          z.object({
            service: z.string(),
            composeService: z.string(),
            status: z
              .enum(['present', 'insert', 'missing', 'manual'])
              .describe('insert: the entry was added; present: it was there; missing/manual: add the snippet by hand'),
            file: z.string().nullable(),
            entries: z.array(z.string()),
            message: z.string(),
            snippet: z.string().nullable(),
          }),
        )
        .describe('the compose ports entry of the service'),
      notes: z.array(z.string()),
    })
    .optional()
    .describe('with update: true, the configs brought along'),
  refreshed: z
    .array(z.string())
    .optional()
    .describe('without update: the generated files that exist and that the allocation changed, refreshed in the same step'),
};

const releaseOutput = {
  project: z.string(),
  service: z.string(),
  port: z.number().int(),
  released: z.boolean().describe('false when the service was released already: nothing changed'),
  refreshed: z.array(z.string()).describe('the generated files that exist and that the release changed, refreshed in the same step'),
  git: gitSchema,
};

const listenerSchema = z.object({
  protocol: z.enum(['tcp', 'udp']),
  family: z.union([z.literal(4), z.literal(6)]),
  address: z.string(),
  pid: z.number().int().nullable(),
  command: z.string().nullable(),
  container: z.string().nullable().describe('the container that publishes the port, when one does'),
});

const checkOutput = {
  port: z.number().int(),
  free: z.boolean().describe('nothing in the registry holds it: no service, no reservation, no quarantine'),
  owners: z.array(z.object({ project: z.string(), service: z.string(), protocol: protocolList, purpose: z.string() })),
  reservations: z.array(z.object({ reason: z.string(), range: rangeSchema, severity: z.enum(['error', 'warning']), owner: z.string().nullable() })),
  quarantine: z.object({ project: z.string(), service: z.string(), what: z.string(), since: z.string(), until: z.string() }).nullable(),
  rangeOf: z.string().nullable().describe('the project whose range holds the port'),
  listening: z.boolean().describe('something listens on it on this machine right now'),
  listeners: z.array(listenerSchema),
  project: z.string().nullable().describe('the asking project (projectName)'),
  available: z.boolean().nullable().describe('could a new service of the asking project take it now; null without projectName'),
  reason: z.string().nullable().describe('why it is not available to the asking project'),
  suggestion: z.number().int().nullable().describe("a free port of the asking project's range, when this one is not available"),
  configs: z
    .array(
      z.object({
        file: z.string(),
        line: z.number().int(),
        column: z.number().int(),
        source: z.enum(['compose', 'env', 'markdown', 'code', 'package-json', 'devcontainer']),
        project: z.string().nullable(),
        composeService: z.string().nullable(),
        variable: z.string().nullable(),
        protocol: z.string(),
      }),
    )
    .describe(
      'the configs of the tree that use the port as a host port (compose, env templates, code, package.json scripts, dev containers), registered or not',
    ),
};

const serviceSchema = z.object({
  service: z.string(),
  port: z.number().int(),
  protocol: protocolList,
  purpose: z.string(),
  env: z.string().nullable(),
  composeService: z.string(),
  containerPort: z.number().int().nullable(),
});

const listOutput = {
  projects: z.array(
    z.object({
      project: z.string(),
      range: rangeSchema,
      path: z.string().nullable(),
      size: z.number().int(),
      used: z.number().int(),
      left: z
        .number()
        .int()
        .describe('ports of the range a new service could still get (not taken, reserved or in quarantine; with slots, of slot 0, the first width ports)'),
      services: z.array(serviceSchema),
    }),
  ),
};

const lintOutput = {
  root: z.string().describe("the folder the findings' paths start from: the git top folder (the registry's folder outside git)"),
  total: z.number().int(),
  errors: z.number().int(),
  warnings: z.number().int(),
  shown: z.number().int(),
  truncated: z.boolean(),
  byRule: z.record(z.string(), z.number().int()),
  findings: z.array(
    z.object({
      ruleId: z.string(),
      severity: z.enum(['error', 'warning']),
      message: z.string(),
      file: z.string(),
      line: z.number().int(),
      column: z.number().int(),
      fixable: z.boolean(),
    }),
  ),
  skipped: z.array(z.object({ ruleId: z.string(), reason: z.string() })),
};

const reassignOutput = {
  project: z.string(),
  service: z.string(),
  from: z.number().int().describe('the port the service has now'),
  to: z.number().int().describe('the port the plan moves it to'),
  changed: z.boolean().describe('false when the service already has that port: nothing to do'),
  planId: z.string().describe('sha256 of the registry text and every edit: pass it back with apply: true'),
  applied: z.boolean().describe('the files and the registry were written'),
  registry: z.object({ file: z.string(), old: z.number().int(), new: z.number().int(), note: z.string().nullable() }).describe('the registry change'),
  files: z.array(z.string()).describe('the files the plan edits'),
  edits: z.array(z.object({ file: z.string(), line: z.number().int(), column: z.number().int(), old: z.string(), new: z.string(), kind: z.string() })),
  written: z.array(z.string()).describe('the files written (with apply)'),
  refreshed: z.array(z.string()).describe('the generated files that exist and that the move changes, refreshed in the same step'),
  dirty: z.array(z.string()).describe('files of the plan with uncommitted changes: applying is refused while there are any, unless allowDirty'),
  skippedLive: z.array(z.number().int()).describe('free ports skipped because something listens on them right now (without port)'),
  warnings: z.array(z.string()),
  notes: z.array(z.string()).describe('occurrences left as they are, and places the scan could not read'),
};

const slotPortSchema = z.object({
  service: z.string(),
  port: z.number().int(),
  env: z.string().nullable().describe('the variable that carries it'),
  shared: z.boolean().describe('one instance all checkouts use: the same port in every slot'),
  url: z.string(),
  listening: z.boolean().describe('something listens on it on this machine right now'),
});

const leaseFields = {
  project: z.string(),
  slot: z.number().int().describe('slot k: each service at its registered port + k * width (0: the registered ports)'),
  worktree: z.string().describe("the checkout's top folder"),
  repository: z.string().describe("the git common dir of the checkout's repository"),
  present: z.boolean().describe("the checkout's folder exists"),
  since: z.string().describe('when the checkout first got the slot'),
  renewed: z.string().describe('when it last asked for it'),
  holder: z.object({ pid: z.number().int(), host: z.string(), user: z.string(), command: z.string() }).describe('who last asked for it'),
  ports: z.array(slotPortSchema),
};

const acquireSlotOutput = {
  ...leaseFields,
  created: z.boolean().describe('false when the checkout already held this slot (sticky)'),
  skippedListening: z
    .array(z.object({ slot: z.number().int(), ports: z.array(z.number().int()) }))
    .describe('free slots passed over: something listens on their ports'),
  env: z.record(z.string(), z.string()).describe('the variables of the slot: COMPOSE_PROJECT_NAME and each service port variable'),
  written: z.array(z.string()).describe('env files written (relative to the checkout), with writeEnv'),
  unchanged: z.array(z.string()).describe('env files already up to date, with writeEnv'),
};

const worktreePortsOutput = {
  project: z.string(),
  worktree: z.string(),
  leased: z.boolean().describe('the checkout holds a slot (acquire_slot takes one)'),
  slot: z.number().int().nullable(),
  ports: z.array(slotPortSchema).describe("the slot's ports; empty without a lease"),
};

const releaseSlotOutput = {
  project: z.string(),
  worktree: z.string(),
  released: z.boolean().describe('false when the checkout held no slot: nothing changed'),
  slot: z.number().int().nullable(),
};

// ---- results ------------------------------------------------------------------------------

function ok(text: string, structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

function failure(err: unknown, log: (line: string) => void, tool: string): CallToolResult {
  if (err instanceof PortregError) {
    return { content: [{ type: 'text', text: err.message }], isError: true, _meta: { code: err.code } };
  }
  log(`portreg mcp: internal error in ${tool}: ${(err as Error).stack ?? String(err)}`);
  return {
    content: [
      {
        type: 'text',
        text: `internal error in ${tool}: ${(err as Error).message ?? String(err)} (a bug in portreg: the server log on stderr has the details)`,
      },
    ],
    isError: true,
  };
}

// ---- the server ---------------------------------------------------------------------------

export function createPortregMcpServer(options: PortregMcpOptions): McpServer {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => void process.stderr.write(line + '\n'));
  const lock = options.lock ?? {};
  const server = new McpServer(
    { name: SERVER_NAME, version: packageVersion() },
    {
      instructions:
        "Port registry of the projects on these machines. Ask allocate_port for a port (idempotent per project and service) instead of choosing one; check_port says who holds a port; list_ports shows a project's range and ports; reassign_port moves a service to another port, registry and configs (plan first, then apply with its planId); lint checks configs against the registry. A git worktree or agent session of a project with slots: acquire_slot at its start (its ports and .env), worktree_ports to see them, release_slot at its end.",
    },
  );

  /** The registry file for this call: located afresh, so a moved or new registry is seen. */
  const registryPath = async () =>
    (await locateRegistry({ cwd: options.cwd, explicit: options.registry, env: options.env, report: (line) => log(line.trimEnd()) })).path;
  const read = async () => readRegistry(await registryPath(), { now: now(), cwd: options.cwd });
  const guarded =
    <A>(tool: string, handler: (args: A) => Promise<CallToolResult>) =>
    async (args: A): Promise<CallToolResult> => {
      try {
        return await handler(args);
      } catch (err) {
        return failure(err, log, tool);
      }
    };

  server.registerTool(
    'allocate_port',
    {
      title: 'Allocate a port',
      description:
        "Give a service the next available port in its project's range and record it in the central registry (or check and take `port`). " +
        'Idempotent: the same project and service get their existing port back. Refused with a reason when the range is full, the port is taken or reserved, or the project is unknown.',
      inputSchema: {
        projectName,
        serviceName,
        purpose: requiredString('purpose', 'what the port is for, for example "REST API"').describe('what the port is for, for example "REST API"'),
        port: portNumber.optional().describe("a specific port to take, after checking it is in the project's range and free"),
        env: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'env must be an environment variable name, for example API_PORT' })
          .optional()
          .describe('the environment variable that carries the port, for example API_PORT'),
        update: z
          .boolean({ error: 'update must be true or false' })
          .optional()
          .describe(
            "also update the project's configs in the same all-or-nothing step: the compose ports entry of the service, .env.example and the README port table (as portreg allocate --update)",
          ),
        allowDirty: z
          .boolean({ error: 'allowDirty must be true or false' })
          .optional()
          .describe(
            'with update: update files that have uncommitted changes too (default false: refused, nothing written, no port allocated, as portreg allocate --update without --allow-dirty)',
          ),
      },
      outputSchema: allocateOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded('allocate_port', async (args) => {
      const live = shouldProbe(options.env, options.probe) ? await probeLivePorts() : undefined;
      const request = { project: args.projectName, service: args.serviceName, purpose: args.purpose, port: args.port, env: args.env };
      const located = await locateRegistry({ cwd: options.cwd, explicit: options.registry, env: options.env });
      const claims = branchClaimsEnabled(located.config, options.branchClaims)
        ? await readBranchClaims(located.path, { now: now(), cwd: options.cwd })
        : undefined;
      // With update, the configs come along (the same library function as `portreg allocate --update`).
      let update: { summary: Record<string, unknown>; lines: string[] } | undefined;
      let refreshed: { files: string[]; lines: string[] } | undefined;
      let a: Allocation;
      let git: { summary: Record<string, unknown>; lines: string[] } | undefined;
      const target = remoteTargetOf(located.config, options.git);
      if (target) {
        if (args.update)
          refuseWithGit(
            target,
            'update: true',
            'call allocate_port without update, then git pull and portreg allocate --update (the repeat keeps the port), or serve without --git',
          );
        const write = await writeThroughRemote(
          allocationChange(located.path, request, { now: now(), cwd: options.cwd, lock, livePorts: live, claims }),
          target,
          commitMessage.allocate,
        );
        a = write.result;
        git = { summary: remoteSummary(target, write), lines: remoteLines(target, write) };
      } else if (args.update) {
        const [u, { uncommittedPolicy }] = await Promise.all([import('../generate/update.js'), import('../fix/commit.js')]);
        const updated = await u.allocateWithUpdate(request, {
          cwd: options.cwd,
          env: options.env,
          registry: options.registry,
          now: now(),
          lock,
          livePorts: live,
          claims,
          uncommitted: uncommittedPolicy(args.allowDirty, 'allowDirty: true'),
        });
        a = updated.allocation;
        update = { summary: u.updateSummary(updated), lines: u.updateLines(updated) };
      } else {
        const { allocateAndRefresh, refreshedLine } = await import('../generate/refresh.js');
        const r = await allocateAndRefresh(request, {
          cwd: options.cwd,
          env: options.env,
          registry: options.registry,
          now: now(),
          lock,
          livePorts: live,
          claims,
        });
        a = r.allocation;
        refreshed = { files: r.refreshed, lines: [...refreshedLine(r.refreshed), ...r.notes.map((n) => `note: ${n}`)] };
      }
      const summary = {
        ...allocationSummary(a),
        ...(update ? { update: update.summary } : {}),
        ...(refreshed ? { refreshed: refreshed.files } : {}),
        ...(git ? { git: git.summary } : {}),
      };
      if (a.created) log(`portreg mcp: allocated ${a.port} to service "${a.service}" of project "${a.project}"`);
      const lines = [
        a.created
          ? `allocated port ${a.port} to service "${a.service}" of project "${a.project}" (range ${formatRange(a.range)}): ${summary.url}`
          : `service "${a.service}" of project "${a.project}" already has port ${a.port} (range ${formatRange(a.range)}): ${summary.url}`,
        ...(a.skippedLive.length ? [`skipped ${a.skippedLive.join(', ')}: in use on this machine right now`] : []),
        ...a.warnings.map((w) => `warning: ${w}`),
        ...(update?.lines ?? []),
        ...(refreshed?.lines ?? []),
        ...(git?.lines ?? []),
      ];
      return ok(lines.join('\n'), summary);
    }),
  );

  server.registerTool(
    'reassign_port',
    {
      title: 'Reassign a port',
      description:
        'Move a service to another port: the registry (the old port stays in its history, in quarantine) and every config that uses it (compose host ports, env templates, URLs, README mentions), as "portreg reassign". ' +
        'Without apply it returns the plan (each edit: file, line, old and new text; the registry change) and its planId, and writes nothing. ' +
        'With apply: true and the planId of that plan it writes the files, then the registry, and scans again; if the port or the files moved since, it is refused with the new planId. Files with uncommitted changes are refused unless allowDirty is true. Without port it takes the next free port of the range.',
      inputSchema: {
        projectName,
        serviceName,
        port: portNumber
          .optional()
          .describe("the new port (checked: in the project's range, free, not reserved, not in quarantine); default: the next free port of the range"),
        apply: z.boolean({ error: 'apply must be true or false' }).optional().describe('write the plan (needs planId); default false: only show it'),
        planId: requiredString('planId', 'the planId of the plan to apply, as returned without apply')
          .optional()
          .describe('the planId of the plan to apply, as returned by the call without apply'),
        allowDirty: z
          .boolean({ error: 'allowDirty must be true or false' })
          .optional()
          .describe('with apply: rewrite files that have uncommitted changes too (default false: refused, as portreg reassign without --allow-dirty)'),
      },
      outputSchema: reassignOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    guarded('reassign_port', async (args) => {
      const { reassignForMcp, reassignText, isRefusal } = await import('./reassign.js');
      const located = await locateRegistry({ cwd: options.cwd, explicit: options.registry, env: options.env });
      refuseWithGit(
        remoteTargetOf(located.config, options.git),
        'reassign_port',
        'run portreg reassign --git --write on the command line (it pushes the registry change, then rewrites this tree the same way), or serve without --git',
      );
      const live = args.port === undefined && shouldProbe(options.env, options.probe) ? await probeLivePorts() : undefined;
      const outcome = await reassignForMcp({
        cwd: options.cwd,
        env: options.env,
        registry: options.registry,
        project: args.projectName,
        service: args.serviceName,
        port: args.port,
        apply: args.apply,
        planId: args.planId,
        allowDirty: args.allowDirty,
        now,
        lock,
        livePorts: live,
      });
      const result = ok(reassignText(outcome), { ...outcome.view });
      if (isRefusal(outcome))
        return {
          ...result,
          isError: true,
          _meta: { code: outcome.kind === 'dirty' ? 'files-dirty' : outcome.kind === 'stale' ? 'plan-stale' : 'plan-id-required' },
        };
      if (outcome.kind === 'applied' && outcome.view.changed)
        log(`portreg mcp: reassigned service "${outcome.view.service}" of project "${outcome.view.project}": ${outcome.view.from} → ${outcome.view.to}`);
      return result;
    }),
  );

  server.registerTool(
    'release_port',
    {
      title: 'Release a port',
      description:
        "Remove a service's allocation from the registry. Its port stays in quarantine (30 days by default) before anyone else may have it; the same service may take it back. " +
        'The generated text that exists (README and env template regions, .supervisor-specific files, the TypeScript module) is refreshed in the same step. Releasing a service released already changes nothing.',
      inputSchema: { projectName, serviceName },
      outputSchema: releaseOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    guarded('release_port', async (args) => {
      const located = await locateRegistry({ cwd: options.cwd, explicit: options.registry, env: options.env });
      const target = remoteTargetOf(located.config, options.git);
      if (target) {
        const write = await writeThroughRemote(
          releaseChange(located.path, args.projectName, args.serviceName, { now: now(), cwd: options.cwd, lock }),
          target,
          commitMessage.release,
        );
        const r = write.result;
        if (r.released) log(`portreg mcp: released ${r.port} of service "${r.service}" of project "${r.project}" on ${target.remote}/${target.branch}`);
        const head = r.released
          ? `released port ${r.port} of service "${r.service}" of project "${r.project}"; it stays in quarantine before anyone else may have it`
          : `service "${r.service}" of project "${r.project}" is already released (port ${r.port} stays in quarantine); nothing to change`;
        return ok([head, ...remoteLines(target, write)].join('\n'), { ...r, refreshed: [], git: remoteSummary(target, write) });
      }
      const { releaseAndRefresh, refreshedLine } = await import('../generate/refresh.js');
      const {
        release: r,
        refreshed,
        notes,
      } = await releaseAndRefresh(args.projectName, args.serviceName, {
        cwd: options.cwd,
        env: options.env,
        registry: options.registry,
        now: now(),
        lock,
      });
      if (!r.released)
        return ok(`service "${r.service}" of project "${r.project}" is already released (port ${r.port} stays in quarantine); nothing to change`, {
          ...r,
          refreshed,
        });
      log(`portreg mcp: released ${r.port} of service "${r.service}" of project "${r.project}"`);
      const lines = [
        `released port ${r.port} of service "${r.service}" of project "${r.project}"; it stays in quarantine before anyone else may have it`,
        ...refreshedLine(refreshed),
        ...notes.map((n) => `note: ${n}`),
      ];
      return ok(lines.join('\n'), { ...r, refreshed });
    }),
  );

  server.registerTool(
    'check_port',
    {
      title: 'Check a port',
      description:
        'Who holds a port: the registered service, a reservation and its reason, a quarantine; whether something listens on it on this machine right now and which process; ' +
        'with projectName, whether that project could take it and, if not, a free port of its range instead.',
      inputSchema: {
        port: portNumber.describe('the port to check'),
        projectName: projectName.optional().describe('the asking project: says whether it could take the port, and suggests one of its own if not'),
      },
      outputSchema: checkOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded('check_port', async (args) => {
      const [{ openGovernedTree }, { configUsesInTree, describeConfigUses }] = await Promise.all([
        import('../config/governed-tree.js'),
        import('../scan/port-users.js'),
      ]);
      const tree = await openGovernedTree({ cwd: options.cwd, env: options.env, registry: options.registry });
      const registry = await readRegistry(tree.located.path, { now: now(), cwd: options.cwd });
      const at = now();
      const info = describePort(registry, args.port, { now: at });
      // As `portreg who`: the configs may publish a port the registry calls free.
      const configs = await configUsesInTree(tree, registry, args.port);
      if (args.projectName) requireProject(registry, args.projectName);
      const { listListeners } = await import('../live/listeners.js');
      const all = await listListeners();
      // Exactly the fields of the output schema: the SDK client rejects an answer with any other.
      const listening = all.filter((l) => l.port === args.port);
      const listeners = listening.map((l) => ({
        protocol: l.protocol,
        family: l.family,
        address: l.address,
        pid: l.pid,
        command: l.command,
        container: l.container ?? null,
      }));
      let available: boolean | null = null;
      let reason: string | null = null;
      let suggestion: number | null = null;
      if (args.projectName) {
        const live = new Set(all.map((l) => `${l.port}/${l.protocol}`));
        ({ available, reason } = availability(registry, args.projectName, args.port, live, at));
        if (!available) suggestion = suggestFreePort(registry, args.projectName, { now: at, livePorts: live });
      }
      const structured = {
        port: info.port,
        free: info.free,
        owners: info.owners,
        reservations: info.reservations.map((r) => ({ reason: r.reason, range: reservationRange(r), severity: r.severity ?? 'error', owner: r.owner ?? null })),
        quarantine: info.quarantine
          ? {
              project: info.quarantine.project,
              service: info.quarantine.service,
              what: info.quarantine.what,
              since: info.quarantine.since,
              until: info.quarantine.until,
            }
          : null,
        rangeOf: info.rangeOf,
        listening: listeners.length > 0,
        listeners,
        project: args.projectName ?? null,
        available,
        reason,
        suggestion,
        configs,
      };
      const lines = [...describePortLines(registry, info), ...describeConfigUses(args.port, configs)];
      if (listeners.length === 0) lines.push(`${args.port}: nothing listens on it on this machine right now`);
      for (const l of listening) lines.push(`${args.port}: listening: ${describeListener(l)}`);
      if (args.projectName) {
        if (available) lines.push(`${args.port}: project "${args.projectName}" can take it (allocate_port with port ${args.port})`);
        else {
          lines.push(`${args.port}: not available to project "${args.projectName}": ${reason}`);
          lines.push(
            suggestion !== null
              ? `suggestion: ${suggestion}, free in the range of "${args.projectName}" (allocate_port takes it)`
              : `the range of "${args.projectName}" has no free port left`,
          );
        }
      }
      return ok(lines.join('\n'), structured);
    }),
  );

  server.registerTool(
    'list_ports',
    {
      title: 'List ports',
      description: "A project's range, its services and their ports, and how many ports are left (every project without projectName).",
      inputSchema: { projectName: projectName.optional().describe('only this project') },
      outputSchema: listOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded('list_ports', async (args) => {
      const registry = await read();
      const at = now();
      const projects = listing(registry, args.projectName).map((p) => ({ ...p, left: portsLeft(registry, p.project, { now: at }) }));
      const lines: string[] = [];
      if (projects.length === 0) lines.push('no projects yet: add one with "portreg project add NAME"');
      for (const p of projects) {
        lines.push(`${p.project}: range ${formatRange(p.range)}, ${p.used} of ${p.size} used, ${p.left} left${p.path ? `, path ${p.path}` : ''}`);
        for (const s of p.services) {
          lines.push(
            `  ${s.service}: ${s.port}/${s.protocol.join(',')}${s.env ? ` (${s.env})` : ''}: ${s.purpose}${s.containerPort ? ` (container ${s.containerPort})` : ''}`,
          );
        }
      }
      return ok(lines.join('\n'), { projects });
    }),
  );

  server.registerTool(
    'lint',
    {
      title: 'Lint configs',
      description: `Check compose files, env templates and READMEs against the registry (as "portreg lint"). Returns the first ${MAX_LINT_FINDINGS} findings, errors first, and counts by rule.`,
      inputSchema: {
        path: requiredString('path', 'a file or folder to report on')
          .optional()
          .describe(
            "report only on this file or folder (relative to the server's working folder), as portreg lint PATH: its project is still read, the rules that compare the whole fleet are skipped; default: everything the registry governs",
          ),
      },
      outputSchema: lintOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded('lint', async (args) => {
      const report = await lintForMcp({ cwd: options.cwd, env: options.env, registry: options.registry, path: args.path, now: now() });
      const lines = [
        `${report.errors} error${report.errors === 1 ? '' : 's'}, ${report.warnings} warning${report.warnings === 1 ? '' : 's'}${
          report.total
            ? ` (by rule: ${Object.entries(report.byRule)
                .map(([r, n]) => `${r} ${n}`)
                .join(', ')})`
            : ''
        }; paths relative to ${report.root}`,
        ...report.findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message} (${f.ruleId})`),
        ...(report.truncated ? [`… and ${report.total - report.shown} more: run "portreg lint" for all of them`] : []),
        ...report.skipped.map((s) => `skipped ${s.ruleId}: ${s.reason}`),
      ];
      return ok(lines.join('\n'), { ...report });
    }),
  );

  /** A checkout's folder as a tool names it: relative to the server's working folder. */
  const checkoutCwd = requiredString('cwd', 'a folder of the checkout (git worktree), absolute or relative to the server').describe(
    "a folder of the checkout (a git worktree or clone): the agent session's working folder",
  );
  const session = (cwd: string) => ({ cwd: options.cwd, worktree: cwd, env: options.env, registry: options.registry, now: now(), lock });
  const portLine = (p: { service: string; port: number; url: string; env: string | null; shared: boolean; listening: boolean }) =>
    `  ${p.service}: ${p.port} ${p.url}${p.env ? ` (${p.env})` : ''}${p.shared ? ', shared' : ''}${p.listening ? ', listening' : ''}`;

  server.registerTool(
    'acquire_slot',
    {
      title: 'Acquire a slot for a checkout',
      description:
        "Lease a slot of the project for this checkout (git worktree, agent session), so it runs beside the other checkouts without a port clash: each service's port moves by slot * width, shared services keep theirs. " +
        "Sticky: the same checkout gets its slot back. With writeEnv (default true) the checkout's .env gets the slot's variables and COMPOSE_PROJECT_NAME, as portreg env --write.",
      inputSchema: {
        cwd: checkoutCwd,
        projectName: projectName
          .optional()
          .describe("the project (default: the config's project, the project whose folder holds cwd, or the one project with slots)"),
        writeEnv: z.boolean({ error: 'writeEnv must be true or false' }).optional().describe("write the checkout's env files (default true)"),
      },
      outputSchema: acquireSlotOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded('acquire_slot', async (args) => {
      const { acquireForCheckout } = await import('../slots/session.js');
      const r = await acquireForCheckout({ ...session(args.cwd), project: args.projectName, write: args.writeEnv !== false });
      const v = r.view;
      if (r.acquired.created) log(`portreg mcp: leased slot ${v.slot} of project "${v.project}" to ${v.worktree}`);
      const lines = [
        `${r.acquired.created ? 'leased' : 'already holds'} slot ${v.slot} of project "${v.project}" for ${v.worktree}`,
        ...v.ports.map(portLine),
        ...r.acquired.skippedListening.map((s) => `skipped slot ${s.slot}: something listens on ${s.ports.join(', ')}`),
        ...r.written.map((f) => `wrote ${f}`),
        ...r.unchanged.map((f) => `${f} is up to date`),
      ];
      return ok(lines.join('\n'), {
        ...v,
        created: r.acquired.created,
        skippedListening: r.acquired.skippedListening,
        env: Object.fromEntries(r.values),
        written: r.written,
        unchanged: r.unchanged,
      });
    }),
  );

  server.registerTool(
    'worktree_ports',
    {
      title: "A checkout's ports",
      description: "The slot a checkout holds and each service's port and URL in it, and whether something listens on each; takes no slot (acquire_slot does).",
      inputSchema: { cwd: checkoutCwd, projectName: projectName.optional().describe('the project (default as acquire_slot)') },
      outputSchema: worktreePortsOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded('worktree_ports', async (args) => {
      const { slotOfCheckout } = await import('../slots/session.js');
      const { target, view } = await slotOfCheckout({ ...session(args.cwd), project: args.projectName });
      const structured = {
        project: target.project,
        worktree: target.checkout.worktree,
        leased: view !== null,
        slot: view?.slot ?? null,
        ports: view?.ports ?? [],
      };
      const text = view
        ? [`slot ${view.slot} of project "${view.project}" for ${view.worktree}`, ...view.ports.map(portLine)].join('\n')
        : `${target.checkout.worktree} holds no slot of project "${target.project}": acquire_slot takes one`;
      return ok(text, structured);
    }),
  );

  server.registerTool(
    'release_slot',
    {
      title: "Release a checkout's slot",
      description:
        "Give the checkout's slot back, for a session that ends or a worktree about to be removed. Refused while something listens on its ports, unless force. A checkout holding none changes nothing.",
      inputSchema: {
        cwd: checkoutCwd,
        projectName: projectName.optional().describe('the project (default as acquire_slot)'),
        force: z.boolean({ error: 'force must be true or false' }).optional().describe('release it even while its ports listen'),
      },
      outputSchema: releaseSlotOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    guarded('release_slot', async (args) => {
      const { releaseForCheckout } = await import('../slots/session.js');
      const { target, released } = await releaseForCheckout({ ...session(args.cwd), project: args.projectName, force: args.force });
      const structured = { project: target.project, worktree: target.checkout.worktree, released: released.released, slot: released.lease?.slot ?? null };
      if (released.released) log(`portreg mcp: released slot ${released.lease!.slot} of project "${target.project}" for ${target.checkout.worktree}`);
      return ok(
        released.released
          ? `released slot ${released.lease!.slot} of project "${target.project}" for ${target.checkout.worktree}`
          : `${target.checkout.worktree} holds no slot of project "${target.project}"; nothing to release`,
        structured,
      );
    }),
  );

  // registerTool advertises `tools.listChanged: true`, but the tool list is fixed for the life of
  // the server and no list_changed notification is ever sent: say so, so clients do not wait for one.
  server.server.registerCapabilities({ tools: { listChanged: false } });
  return server;
}

/** Could a new service of the project take this port now? The allocator's own checks, dry. */
function availability(registry: Registry, project: string, port: number, live: ReadonlySet<string>, at: Date): { available: boolean; reason: string | null } {
  try {
    const r = allocatePort(
      registry,
      { project, service: unusedServiceName(registry, project, 'portreg-check'), purpose: 'check', port },
      { now: at, livePorts: live },
    );
    const reason = r.warnings[0]?.replace(/; taking it because it was asked for$/, '') ?? null;
    return { available: reason === null, reason };
  } catch (err) {
    if (err instanceof PortregError) return { available: false, reason: err.message };
    throw err;
  }
}

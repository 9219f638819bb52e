/**
 * `portreg allocate --update` and the MCP tool `allocate_port` with `update: true`: allocate a
 * port and bring the project's configs along in one all-or-nothing step: the compose `ports:`
 * entry of the service (when one of the project's compose files has the service), the env
 * template's generated region, the README's port table, and the generated files that exist
 * already (.supervisor-specific, the TypeScript module).
 *
 * Everything is planned against the registry as it will be (the allocation computed, not yet
 * written), then committed as one change set (fix/commit.ts), as `reassign` is: the files all or
 * nothing, then the registry under its lock, insisting on the same port; if the registry cannot
 * be written, the files get their previous bytes back (new files and folders removed). The other
 * order would leave an allocation behind when a file cannot be written, and taking it back would
 * need a second locked write that can fail as well, and would put the port in quarantine.
 */
import type { BranchClaim } from '../registry/port-index.js';
import path from 'node:path';
import { refusal } from '../errors.js';
import type { AppliedFile } from '../fix/apply.js';
import { changeOf, commitChangeSet, type UncommittedPolicy } from '../fix/commit.js';
import { allocatePort, type AllocationRequest } from '../registry/allocator.js';
import { loadRegistry } from '../registry/load.js';
import type { LockOptions } from '../registry/lock.js';
import { allocationChange, type Allocation } from '../registry/operations.js';
import { assertWritable } from '../registry/store.js';
import { openWorkspace } from '../rewrite/workspace.js';
import { planCompose, type ComposeEntryPlan } from './compose.js';
import { planGenerate } from './plan.js';
import { generateSettings } from './settings.js';

export interface AllocateUpdateOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** --registry; otherwise found as every command finds it. */
  registry?: string;
  now: Date;
  lock?: LockOptions;
  livePorts?: ReadonlySet<string>;
  /** Ports other branches give to other services: skipped (registry/branch-claims.ts). */
  claims?: readonly BranchClaim[];
  /** Files with uncommitted changes: refused unless allowed (--allow-dirty, MCP allowDirty), as `reassign` does. */
  uncommitted: UncommittedPolicy;
}

export interface UpdatedFile {
  /** As the user sees it (relative to the git top folder). */
  file: string;
  what: string;
  created: boolean;
}

export interface AllocateUpdateResult {
  allocation: Allocation;
  /** Files written, and what changed in each. */
  files: UpdatedFile[];
  /** The compose entry: inserted, already there, or where to add it by hand (with a snippet). */
  compose: ComposeEntryPlan[];
  notes: string[];
  /** The files' changes before and after, root-relative (for a diff). */
  changes: AppliedFile[];
}

const WHAT = { env: 'port variables (generated region)', docs: 'port table (generated region)', supervisor: 'generated file', ts: 'generated module' } as const;

export async function allocateWithUpdate(request: AllocationRequest, options: AllocateUpdateOptions): Promise<AllocateUpdateResult> {
  const ws = await openWorkspace({ cwd: options.cwd, env: options.env, registry: options.registry });
  const registry = assertWritable(await loadRegistry(ws.located.path, { now: options.now, cwd: options.cwd }));
  // The allocation as it will be written: every file is planned against it.
  const dry = allocatePort(registry, request, { now: options.now, livePorts: options.livePorts, claims: options.claims });
  const next = dry.created ? dry.registry : registry;
  const projectRepo = ws.located.source === 'config' && ws.config?.config.project ? ws.config.config.project : undefined;
  const base = {
    root: ws.root,
    registry: next,
    registryDir: path.dirname(ws.located.path),
    ...(projectRepo ? { projectRepo } : {}),
    projects: [dry.project],
    settings: generateSettings(ws.config, ws.root),
    skipRootDocs: true,
  };
  const regions = await planGenerate({ ...base, targets: ['env', 'docs'], mode: 'write' });
  const existing = await planGenerate({ ...base, targets: ['supervisor', 'ts'], mode: 'judge' });
  const problems = [...regions.problems, ...existing.problems];
  if (problems.length)
    throw refusal('markers-invalid', `cannot update the project's files; nothing was written:\n${problems.map((p) => `  ${p.message}`).join('\n')}`);
  const compose = await planCompose({ root: ws.root, registry: next, scan: await ws.scan(next), project: dry.project, services: [dry.service] });

  const generated = [...regions.files, ...existing.files].filter((f) => f.created || !f.before.equals(f.after));
  const changes: AppliedFile[] = [...compose.files.map((f) => ({ file: f.file, before: f.before, after: f.after })), ...generated];
  const files: UpdatedFile[] = [
    ...compose.files.map((f) => ({
      file: ws.shown(f.file),
      what: `ports of compose service "${compose.services.find((s) => s.file === f.file)?.composeService}"`,
      created: false,
    })),
    ...generated.map((f) => ({ file: ws.shown(f.file), what: WHAT[f.target], created: f.created })),
  ];
  const committed = await commitChangeSet({
    root: ws.root,
    files: changes.map(changeOf),
    registry: allocationChange(ws.located.path, request, {
      now: options.now,
      cwd: options.cwd,
      lock: options.lock,
      livePorts: options.livePorts,
      claims: options.claims,
      expectPort: dry.port,
    }),
    uncommitted: options.uncommitted,
    shown: ws.shown,
    journal: { command: 'allocate --update', registryFile: ws.located.path },
  });
  return {
    // A change set with a registry change always has its result.
    allocation: committed.registry!,
    files,
    compose: compose.services.map((c) => ({ ...c, file: c.file === null ? null : ws.shown(c.file) })),
    notes: regions.notes,
    changes,
  };
}

/** What changed, one line per file, and the compose entry's fate: for people. */
export function updateLines(result: AllocateUpdateResult): string[] {
  const lines = result.files.map((f) => `${f.created ? 'created' : 'updated'} ${f.file}: ${f.what}`);
  for (const c of result.compose) {
    if (c.status === 'present') lines.push(`compose: ${c.message}`);
    else if (c.status === 'missing' || c.status === 'manual') lines.push(`compose: ${c.message}\n${c.snippet!.replace(/\n$/, '')}`);
  }
  for (const n of result.notes) lines.push(`note: ${n}`);
  if (result.files.length === 0) lines.push('every file was up to date already');
  return lines;
}

/** The files part of `allocate --update --json` and of the MCP tool with `update: true`. */
export function updateSummary(u: AllocateUpdateResult) {
  return {
    files: u.files,
    compose: u.compose.map((c) => ({
      service: c.service,
      composeService: c.composeService,
      status: c.status,
      file: c.file,
      entries: c.entries,
      message: c.message,
      snippet: c.snippet,
    })),
    notes: u.notes,
  };
}

/**
 * `registry resolve` and `registry merge-driver`: the registry that a merge or rebase of two
 * branches left, merged entry by entry (registry/merge.ts). Resolve also moves the configs of the
 * services it moved, as `reassign` does, in the same change set as the registry; the driver,
 * which git runs while it merges, writes only the registry it is given.
 */
import { readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, PortregError, usageError } from '../../errors.js';
import { findConflictBlocks } from '../../registry/conflict-markers.js';
import { parseRegistryText, type LoadedRegistry } from '../../registry/load.js';
import { mergeRegistries, type MergeConflict, type RegistryMerge } from '../../registry/merge.js';
import { resolutionChange } from '../../registry/operations.js';
import { serializeRegistry } from '../../registry/serialize.js';
import { formatFindingsBrief } from '../../registry/store.js';
import type { Registry } from '../../registry/types.js';
import { crashPoint } from '../../util/test-hooks.js';
import type { PortFact } from '../../scan/scan.js';
import { conflictStages, gitTopLevel, linesChangedSince, mergeFileInPlace } from '../../util/git.js';
import type { ActionResult } from '../command.js';
import { outputFormat, printJson, storeOptions, type CommandContext, type CommonOptions } from '../context.js';

export interface ResolveOptions extends CommonOptions {
  dryRun?: boolean;
}

interface Side {
  /** How messages name it: `ours (index stage 2)`, or the file given. */
  name: string;
  text: string;
}

/** A side read as a registry; one that is not (a side with its own markers, a broken file) stops the merge. */
function sideRegistry(side: Side, now: Date, cwd: string): Registry {
  const loaded = parseRegistryText(side.text, path.resolve(cwd, 'ports.registry.json'), { now, cwd, semantics: false });
  if (loaded.data) return loaded.data;
  const findings = loaded.findings.map((f) => ({ ...f, file: side.name }));
  throw usageError(
    'registry-side-invalid',
    `${side.name} is not a registry portreg can read, so the merge cannot be made entry by entry:\n${formatFindingsBrief(findings)}`,
  );
}

/** The registry errors the merged result would have (a problem one side brought, say): it is not written. */
function errorsOf(merged: Registry, file: string, now: Date, cwd: string): LoadedRegistry['findings'] {
  return parseRegistryText(serializeRegistry(merged), file, { now, cwd }).findings.filter((f) => f.severity === 'error');
}

function conflictLines(shown: string, conflicts: readonly MergeConflict[]): string {
  return conflicts.map((c) => `portreg: ${shown}: conflict: ${c.message}\n`).join('');
}

export async function resolveAction(ctx: CommandContext, options: ResolveOptions, files: string[]): Promise<ActionResult> {
  if (files.length !== 0 && files.length !== 3)
    throw usageError('usage', 'give no files (during a merge or rebase: git has the three sides), or three: BASE OURS THEIRS');
  const [{ runRewrite }, { openWorkspace }] = await Promise.all([import('../rewrite-command.js'), import('../../rewrite/workspace.js')]);
  const ws = await openWorkspace({ cwd: ctx.cwd, env: ctx.env, registry: options.registry });
  const file = ws.located.path;
  const shown = ws.shown(ws.registryFile);
  const json = outputFormat(options) === 'json';
  const now = ctx.now();
  const readText = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw usageError(
      'registry-missing',
      `cannot read ${shown}: ${err.code === 'ENOENT' ? 'it does not exist (removed on one side of the merge? then "git rm" or "git checkout --ours/--theirs" it)' : err.message}`,
    );
  });

  let base: Side | null;
  let ours: Side;
  let theirs: Side;
  if (files.length === 3) {
    const read = async (f: string) => ({
      name: f,
      text: await readFile(path.resolve(ctx.cwd, f), 'utf8').catch((e: Error) => {
        throw usageError('file-unreadable', `cannot read ${f}: ${e.message}`);
      }),
    });
    [base, ours, theirs] = (await Promise.all(files.map(read))) as [Side, Side, Side];
    if (base.text.trim() === '') base = null;
  } else {
    const stages = await conflictStages(file);
    if (!stages) {
      if (findConflictBlocks(readText).length > 0) {
        throw usageError(
          'no-merge-in-progress',
          `${shown} holds conflict markers, but git's index has no conflict for it (no merge or rebase in progress, or it was added with its markers): give the three sides, "portreg registry resolve BASE OURS THEIRS"`,
        );
      }
      if (json) printJson(ctx, { registry: shown, conflicted: false, changed: false });
      else ctx.stdout(`${shown}: no merge conflict to resolve\n`);
      return ExitCode.Ok;
    }
    if (stages.ours === null || stages.theirs === null) {
      throw usageError(
        'registry-deleted-on-one-side',
        `${shown} was removed on ${stages.ours === null ? 'ours' : 'theirs'} and changed on the other side: keep one side by hand ("git checkout --ours ${stages.rel}", "git checkout --theirs ${stages.rel}" or "git rm ${stages.rel}")`,
      );
    }
    base = stages.base === null ? null : { name: `the base (index stage 1 of ${stages.rel})`, text: stages.base };
    ours = { name: `ours (index stage 2 of ${stages.rel})`, text: stages.ours };
    theirs = { name: `theirs (index stage 3 of ${stages.rel})`, text: stages.theirs };
  }

  // The file an earlier run wrote (no markers, a registry): its moves stay as they are.
  const previous = parseRegistryText(readText, file, { now, cwd: ctx.cwd, semantics: false }).data;
  const merge = mergeRegistries(base ? sideRegistry(base, now, ctx.cwd) : null, sideRegistry(ours, now, ctx.cwd), sideRegistry(theirs, now, ctx.cwd), {
    now,
    ...(previous ? { previous } : {}),
  });
  if (!merge.registry) {
    if (json) printJson(ctx, { registry: shown, conflicted: true, conflicts: merge.conflicts, written: false });
    ctx.stderr(conflictLines(shown, merge.conflicts));
    ctx.stderr(
      `portreg: ${merge.conflicts.length === 1 ? 'a conflict' : `${merge.conflicts.length} conflicts`} that only a person can settle; nothing was written: edit ${shown} (ours is the branch you are on, theirs the one merged in), then "portreg registry check" and "git add ${shown}"\n`,
    );
    return ExitCode.Refused;
  }
  const errors = errorsOf(merge.registry, file, now, ctx.cwd);
  if (errors.length > 0) {
    if (json) printJson(ctx, { registry: shown, conflicted: true, findings: errors, written: false });
    ctx.stderr(
      `portreg: the two sides merge, but the result would have ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was written:\n${formatFindingsBrief(errors)}\n`,
    );
    return ExitCode.Refused;
  }

  if (!json) for (const d of merge.decisions) ctx.stdout(`${shown}: ${d}\n`);
  const after = serializeRegistry(merge.registry);
  // In git, a line the merge brought (not in HEAD) is theirs: a URL there on a port both took means their service.
  // Three files say nothing of the tree's lines: such a URL may mean either, and is reported.
  const sideOf = (files.length === 0 ? await sidesOfLines(ws.root) : undefined) ?? (() => null);
  const written = await runRewrite({
    command: 'registry resolve',
    ctx,
    ws,
    options: { write: !options.dryRun, allowDirty: true, json, color: ctx.color && options.color !== false },
    // Who owned each port in the merged configs: the entries of both sides, before any moved.
    attribution: merge.entries!,
    next: merge.registry,
    moves: merge.moves,
    // A port both sides gave away: a config that names it by its number alone may mean either service.
    select: { ambiguous: merge.contested, sideOf },
    warnings: [],
    json: { decisions: merge.decisions, conflicts: [] },
    applyHint: 'run again without --dry-run to apply',
    registry: {
      preview: { before: readText, after, notes: [] },
      change: resolutionChange(file, { readText, merged: merge.registry }, storeOptions(ctx)),
    },
  });
  if (!options.dryRun && (written.length > 0 || readText !== after)) {
    const add = [shown, ...written.map((f) => ws.shown(f))].join(' ');
    ctx.stderr(`portreg: resolved; check the result ("portreg lint"), then "git add ${add}" and go on with the merge or rebase\n`);
  }
  return ExitCode.Ok;
}

/** Which side a line of the tree came from during a merge or rebase: the lines not in HEAD are theirs. */
async function sidesOfLines(root: string): Promise<((fact: PortFact) => 'moving' | 'staying') | undefined> {
  const top = await gitTopLevel(root);
  if (!top) return undefined;
  const changed = await linesChangedSince(top, 'HEAD');
  const realRoot = await realpath(root);
  return (fact) => {
    const rel = path.relative(top, path.join(realRoot, fact.file)).split(path.sep).join('/');
    return changed.get(rel)?.has(fact.line) ? 'moving' : 'staying';
  };
}

/**
 * git's merge driver (`merge.portreg.driver = portreg registry merge-driver %O %A %B %P`): the
 * merge is left in OURS (%A). When the sides cannot be merged entry by entry, OURS gets git's own
 * line merge with its markers (for "portreg registry resolve", or a person), and the exit is 1.
 */
export async function mergeDriverAction(
  ctx: CommandContext,
  baseFile: string,
  oursFile: string,
  theirsFile: string,
  shownPath?: string,
): Promise<ActionResult> {
  const abs = (f: string) => path.resolve(ctx.cwd, f);
  const shown = shownPath ?? oursFile;
  const now = ctx.now();
  const read = (f: string) =>
    readFile(abs(f), 'utf8').catch((e: Error) => {
      throw usageError('file-unreadable', `cannot read ${f}: ${e.message}`);
    });
  const [baseText, oursText, theirsText] = await Promise.all([read(baseFile), read(oursFile), read(theirsFile)]);
  const fallBack = async (why: string) => {
    const clean = await mergeFileInPlace(abs(oursFile), abs(baseFile), abs(theirsFile), ['ours', 'base', 'theirs']);
    ctx.stderr(
      `${why}portreg: ${shown}: ${clean ? "left to git's line merge" : 'left with conflict markers; run "portreg registry resolve" after fixing the conflicts above, or edit it by hand'}\n`,
    );
    return ExitCode.Refused;
  };
  let merge: RegistryMerge;
  try {
    merge = mergeRegistries(
      baseText.trim() === '' ? null : sideRegistry({ name: `the base of ${shown}`, text: baseText }, now, ctx.cwd),
      sideRegistry({ name: `ours of ${shown}`, text: oursText }, now, ctx.cwd),
      sideRegistry({ name: `theirs of ${shown}`, text: theirsText }, now, ctx.cwd),
      { now },
    );
  } catch (err) {
    if (!(err instanceof PortregError)) throw err;
    return fallBack(`portreg: ${err.message}\n`);
  }
  if (!merge.registry) return fallBack(conflictLines(shown, merge.conflicts));
  const errors = errorsOf(merge.registry, abs(oursFile), now, ctx.cwd);
  if (errors.length > 0) return fallBack(`portreg: ${shown}: the merged registry would have errors:\n${formatFindingsBrief(errors)}\n`);
  // OURS is git's scratch copy, read by git only once this process has exited: written in place.
  // A temporary file beside it would outlive a killed driver in the work tree's top folder, where
  // nothing removes it; killed mid-write, git calls the merge a conflict and keeps the three sides
  // in its index, from which "portreg registry resolve" merges again.
  crashPoint('merge-driver:before-write');
  await writeFile(abs(oursFile), serializeRegistry(merge.registry));
  crashPoint('merge-driver:written');
  for (const d of merge.decisions) ctx.stderr(`portreg: ${shown}: ${d}\n`);
  if (merge.moves.length > 0) {
    const moved = merge.moves.map((m) => `"${m.service}" of project "${m.project}" (${m.from} → ${m.to})`).join(', ');
    ctx.stderr(
      `portreg: ${shown}: the configs of ${moved} still name the old port${merge.moves.length === 1 ? '' : 's'}: after the merge, "portreg lint --fix" moves it in compose files and env templates (then commit); a URL or a mention in docs names it by its number alone: look for it by hand\n`,
    );
  }
  return ExitCode.Ok;
}

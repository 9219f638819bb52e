/**
 * The env a checkout runs with: each service's variable with its port in the checkout's slot, and
 * COMPOSE_PROJECT_NAME (Compose names containers, networks and volumes after it, so two checkouts
 * with the folder name `app` would share or replace each other's). Written into the env files
 * Compose and the app read (the project folder's `.env`, and the configured `envFiles` of the
 * project) as one managed block, idempotently: the block is replaced, lines elsewhere in the file
 * that set its variables (a `.env` copied from the main checkout, ports included) are removed,
 * and the rest of the file is the user's and stays byte for byte.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ABSENT, type FileChange } from '../fix/commit.js';
import { appendAtEnd, applyStringEdits, lineBreakOf, splitLines, type StringEdit } from '../generate/markers.js';
import { SLOT_MARKERS, slotBlocks } from '../parse/env-slot-block.js';
import { composeProjectName } from '../registry/slots.js';
import type { LeasedPort } from './state.js';
import type { SlotTarget } from './target.js';

export const COMPOSE_PROJECT_VARIABLE = 'COMPOSE_PROJECT_NAME';

/** The variables of a slot, in the block's order: Compose's project name, then each service's port variable. */
export function slotEnvValues(project: string, slot: number, ports: readonly LeasedPort[]): [string, string][] {
  return [[COMPOSE_PROJECT_VARIABLE, composeProjectName(project, slot)], ...ports.flatMap((p): [string, string][] => (p.env ? [[p.env, String(p.port)]] : []))];
}

/** The block's lines, markers included, each ending with `eol`. */
export function slotBlockText(project: string, slot: number, values: readonly [string, string][], eol: string): string {
  return [
    `${SLOT_MARKERS.start} (written by "portreg env --write": slot ${slot} of project "${project}" on this machine; edits inside are replaced)`,
    ...values.map(([k, v]) => `${k}=${v}`),
    SLOT_MARKERS.end,
  ]
    .map((l) => l + eol)
    .join('');
}

const ASSIGNMENT = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=/;

/**
 * The text with the block in it: in place of the first existing block (others removed), else in
 * place of the first line that sets one of its variables, else at the end. Lines outside the
 * block that set its variables go, so a variable is never set twice.
 */
export function withSlotBlock(text: string, project: string, slot: number, values: readonly [string, string][]): string {
  const eol = lineBreakOf(text);
  const block = slotBlockText(project, slot, values, eol);
  const keys = new Set(values.map(([k]) => k));
  const blocks = slotBlocks(text);
  const edits: StringEdit[] = blocks.map((b) => ({ start: b.outerStart, end: b.outerEnd, text: '' }));
  const taken: StringEdit[] = [];
  for (const line of splitLines(text)) {
    if (blocks.some((b) => line.start >= b.outerStart && line.start < b.outerEnd)) continue;
    const start = line.start === 0 && text.startsWith('\uFEFF') ? 1 : line.start;
    const m = ASSIGNMENT.exec(text.slice(start, line.contentEnd));
    if (m && keys.has(m[1]!)) taken.push({ start, end: line.end, text: '' });
  }
  const at = blocks[0] ?? (taken[0] ? { outerStart: taken[0].start, outerEnd: taken[0].end } : null);
  if (!at) return applyStringEdits(text, [appendAtEnd(text, block, eol)]);
  // The file's last line may lack a line break: the block then keeps the file without one.
  const last = at.outerEnd === text.length && !text.endsWith('\n');
  const placed = last ? block.slice(0, block.length - eol.length) : block;
  const all = [...edits, ...taken];
  const first = all.find((e) => e.start === at.outerStart)!;
  first.text = placed;
  return applyStringEdits(text, all);
}

/** The env files the block goes into: the project folder's `.env`, and the project's configured `envFiles` (plain paths). */
export function envFilesOf(target: SlotTarget): string[] {
  const files = [path.join(target.projectDir, '.env')];
  if (target.config) {
    const base = path.dirname(target.config.file);
    for (const entry of target.config.config.envFiles ?? []) {
      if (/[*?[\]{}!]/.test(entry)) continue; // a glob names no one file to write
      const file = path.resolve(base, entry);
      const rel = path.relative(target.projectDir, file);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue; // another project's
      if (!files.includes(file)) files.push(file);
    }
  }
  return files;
}

/** Each env file's change, root-relative to the checkout (fix/commit.ts writes them as one change set). */
export async function planEnvFiles(target: SlotTarget, slot: number, ports: readonly LeasedPort[]): Promise<{ changes: FileChange[]; unchanged: string[] }> {
  const values = slotEnvValues(target.project, slot, ports);
  const changes: FileChange[] = [];
  const unchanged: string[] = [];
  for (const file of envFilesOf(target)) {
    const rel = path.relative(target.checkout.worktree, file).split(path.sep).join('/');
    const before = await readFile(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    const after = withSlotBlock(before?.toString('utf8') ?? '', target.project, slot, values);
    if (before && before.toString('utf8') === after) unchanged.push(rel);
    else changes.push({ file: rel, before: before ?? ABSENT, after: Buffer.from(after, 'utf8') });
  }
  return { changes, unchanged };
}

/**
 * What `portreg generate` would write: for each target and project, the file, its bytes now and
 * after, and the byte-exact edits between them (the same edits the lint rule `generated-stale`
 * offers as its fix). Nothing is written here.
 *
 * Two modes: `write` inserts markers and creates missing files (what `generate` does);
 * `judge` only looks at files that have markers, and whole generated files that exist (what the
 * lint rule does, so a repository that does not use generators gets no findings).
 */
import { lstatSync, statSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { refusal } from '../errors.js';
import { requireProject } from '../registry/allocator.js';
import type { Registry } from '../registry/types.js';
import type { TextEdit } from '../findings.js';
import { ByteOffsets } from '../util/byte-offsets.js';
import { LineIndex } from '../util/text-position.js';
import { isPlainRelativePath } from '../util/plain-path.js';
import { ENV_FILE, envBody, envKeys, placeEnvRegion } from './env.js';
import { README_FILE, newReadme, placeDocsRegion, projectDocsBody, rootDocsBody } from './docs.js';
import { applyStringEdits, findRegion, lineBreakOf, regionText, type MarkerSyntax, type StringEdit } from './markers.js';
import { SUPERVISOR_JSON, SUPERVISOR_MD, supervisorJson, supervisorMarkdown } from './supervisor.js';
import { DEFAULT_TS_FILE, tsModule } from './ts.js';
import { judged, SUPERVISOR_DIR, type JudgeLimit } from './judged-files.js';
import { projectViews, type ProjectView } from './view.js';

export type FileTarget = 'env' | 'docs' | 'supervisor' | 'ts';
export const FILE_TARGETS: FileTarget[] = ['env', 'docs', 'supervisor', 'ts'];

export interface GenerateSettings {
  /** The root table's file, relative to the root; default README.md (none in a project repository). */
  rootDocs?: string;
  /** The TypeScript module, relative to the root. Set: `all` includes ts. */
  ts?: string;
}

export interface GenerateInput {
  /** The folder files are relative to (the registry's folder, or a project repository). */
  root: string;
  registry: Registry;
  /** The registry's folder: project paths are relative to it. */
  registryDir: string;
  /** The root is this one project's repository (a config naming a central registry). */
  projectRepo?: string;
  /** Only these projects (default: all, or the project repository's). */
  projects?: string[];
  targets: FileTarget[];
  settings: GenerateSettings;
  mode: 'write' | 'judge';
  /** Leave the root table out (allocate --update: an allocation does not change it). */
  skipRootDocs?: boolean;
  /**
   * Judge mode, for lint: the files the scan saw markers in (others are not read again), and
   * the files a partial lint reports on (nothing else is read), so the cost follows the change.
   */
  limit?: JudgeLimit;
  /**
   * Files as they will be when the generated text is written (a rewrite's output, by root-relative
   * path): read instead of the disk, so the generated regions are placed in the bytes to be written.
   */
  contents?: ReadonlyMap<string, Buffer>;
}

export interface GeneratedFile {
  target: FileTarget;
  /** Root-relative, with forward slashes. */
  file: string;
  project: string | null;
  /** The file does not exist yet. */
  created: boolean;
  before: Buffer;
  after: Buffer;
  /** Byte edits from `before` to `after` (empty when current). */
  edits: TextEdit[];
  /** Where the generated text stands in `before`: the region with its markers, or the whole file. */
  location: { line: number; column: number; endLine: number; endColumn: number };
}

export interface GenerateProblem {
  target: FileTarget;
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface GeneratePlan {
  files: GeneratedFile[];
  /** Why something was not generated (a project without a folder), for the user. */
  notes: string[];
  /** Files the generator will not touch: markers it cannot read. */
  problems: GenerateProblem[];
}

const posix = (p: string) => p.split(path.sep).join('/');

/**
 * Synchronous lstat without an error for a missing file: lint judges a few files per project,
 * most of them absent, and an exception with its stack per absent file cost more than the reads.
 */
function lstatIfAny(absolute: string): Stats | undefined {
  try {
    return lstatSync(absolute, { throwIfNoEntry: false });
  } catch {
    return undefined; // not a folder on the way, no permission: nothing to read there
  }
}

async function readIfFile(input: GenerateInput, file: string): Promise<Buffer | null> {
  const planned = input.contents?.get(file);
  if (planned) return planned;
  const absolute = path.join(input.root, file);
  const info = lstatIfAny(absolute);
  if (!info) return null;
  // Judging never follows a link: a file that is not a regular one holds no generated text of ours.
  if (!info.isFile() && input.mode === 'judge') return null;
  if (!info.isFile()) throw refusal('file-not-regular', `${absolute} is not a regular file: portreg does not write through links or over folders`);
  return readFile(absolute);
}

async function isFolder(absolute: string): Promise<boolean> {
  return lstatIfAny(absolute)?.isDirectory() ?? false;
}

/** A project's folder relative to the root, or null when it has none there. */
export function projectFolder(input: Pick<GenerateInput, 'root' | 'registryDir' | 'projectRepo' | 'registry'>, name: string): string | null {
  if (input.projectRepo) return name === input.projectRepo ? '.' : null;
  const p = input.registry.projects[name]?.path;
  if (p === undefined) return null;
  // A plain path beside a registry at the root is its own answer (lint judges every project of the registry).
  if (input.registryDir === input.root && isPlainRelativePath(p)) return p;
  const rel = posix(path.relative(input.root, path.resolve(input.registryDir, p))) || '.';
  return rel.startsWith('../') || rel === '..' || path.isAbsolute(rel) ? null : rel;
}

const join = (folder: string, file: string) => (folder === '.' ? file : `${folder}/${file}`);

/** Whether judge mode would read any of the target's files in this folder (the limits of GenerateInput). */
function judgeable(input: GenerateInput, target: FileTarget, folder: string): boolean {
  const files = target === 'supervisor' ? [SUPERVISOR_JSON, SUPERVISOR_MD] : target === 'env' ? [ENV_FILE] : [README_FILE];
  // Region files are judged only where the scan saw markers; whole files wherever they exist.
  return files.some((f) => judged(input.limit, join(folder, f), target === 'supervisor'));
}

/**
 * Judging: whether a project's supervisor files can be there, from one stat of their folder. Most
 * projects have none, and two lstat calls per project, each in a job of its own, were most of a
 * lint's judge pass (5,000 projects: 80 ms). The folder is followed through a link, as the paths
 * of the files are; files planned but not written (`contents`) count as there.
 */
function mayHoldSupervisorFiles(input: GenerateInput, folder: string): boolean {
  if (input.contents?.has(join(folder, SUPERVISOR_JSON)) || input.contents?.has(join(folder, SUPERVISOR_MD))) return true;
  try {
    return statSync(path.join(input.root, folder, SUPERVISOR_DIR), { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return true; // unreadable on the way: the files' own reads say so
  }
}

/** How many files are looked at at once: lint over thousands of projects must not wait on each lstat in turn. */
const CONCURRENCY = 32;

type Job = (plan: GeneratePlan) => Promise<void>;

export async function planGenerate(input: GenerateInput): Promise<GeneratePlan> {
  for (const p of input.projects ?? []) requireProject(input.registry, p);
  const all = projectViews(input.registry);
  const wanted = input.projects ?? (input.projectRepo ? [input.projectRepo] : null);
  const scoped = wanted ? all.filter((p) => wanted.includes(p.name)) : all;

  // Each job fills a plan of its own; they run a few at a time and are joined in this order.
  const jobs: Job[] = [];
  const folders = new Map(scoped.map((p) => [p.name, projectFolder(input, p.name)]));
  for (const target of input.targets) {
    if (target === 'ts') {
      const file = input.settings.ts ?? DEFAULT_TS_FILE;
      if (input.mode === 'judge' && !input.settings.ts) continue;
      // One module for the fleet (or the project repository): --project does not narrow it, or
      // generating one project would drop the others from it.
      jobs.push((plan) => wholeFile(plan, input, 'ts', file, null, () => tsModule(input.projectRepo ? all.filter((p) => p.name === input.projectRepo) : all)));
      continue;
    }
    for (const project of scoped) {
      const folder = folders.get(project.name)!;
      // Judging: a project none of whose files could be judged costs nothing (no body built, no
      // lstat), so a lint of three files does not pay for every project in the registry.
      if (input.mode === 'judge' && folder !== null && !judgeable(input, target, folder)) continue;
      if (input.mode === 'judge' && folder !== null && target === 'supervisor' && !mayHoldSupervisorFiles(input, folder)) continue;
      jobs.push(async (plan) => {
        if (folder === null) {
          if (input.mode === 'write')
            plan.notes.push(`project "${project.name}" has no path in the registry (or it lies outside ${input.root}): no ${target} files for it`);
          return;
        }
        // Judging reads only files that exist; writing needs the folder to put new ones in.
        if (input.mode === 'write' && !(await isFolder(path.join(input.root, folder)))) {
          plan.notes.push(`project "${project.name}": folder ${folder} does not exist: no ${target} files for it`);
          return;
        }
        if (target === 'env') await envFile(plan, input, project, join(folder, ENV_FILE));
        else if (target === 'docs') await projectDocs(plan, input, project, join(folder, README_FILE));
        else {
          await wholeFile(plan, input, 'supervisor', join(folder, SUPERVISOR_JSON), project.name, () => supervisorJson(project, input.registry));
          await wholeFile(plan, input, 'supervisor', join(folder, SUPERVISOR_MD), project.name, () => supervisorMarkdown(project, input.registry));
        }
      });
    }
    if (target === 'docs' && !input.skipRootDocs) {
      const readmes = new Map(
        scoped.flatMap((p) => {
          const folder = folders.get(p.name)!;
          return folder === null ? [] : [[join(folder, README_FILE), p.name] as const];
        }),
      );
      jobs.push((plan) => rootDocs(plan, input, all, readmes));
    }
  }

  const parts: GeneratePlan[] = jobs.map(() => ({ files: [], notes: [], problems: [] }));
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      await jobs[i]!(parts[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, worker));
  return { files: parts.flatMap((p) => p.files), notes: parts.flatMap((p) => p.notes), problems: parts.flatMap((p) => p.problems) };
}

async function envFile(plan: GeneratePlan, input: GenerateInput, project: ProjectView, file: string): Promise<void> {
  const body = envBody(project);
  const keys = envKeys(project);
  await regionFile(plan, input, 'env', file, project.name, 'env', body, {
    place: (text, block, eol) => placeEnvRegion(text, block, eol, keys),
    // A project without port variables gets no new template.
    create: keys.size > 0 ? (block) => block : null,
  });
}

async function projectDocs(plan: GeneratePlan, input: GenerateInput, project: ProjectView, file: string): Promise<void> {
  await regionFile(plan, input, 'docs', file, project.name, 'markdown', projectDocsBody(project), {
    place: (text, block, eol) => [placeDocsRegion(text, block, eol, 'project')],
    create: (block) => newReadme('project', project.name, block, '\n'),
  });
}

async function rootDocs(plan: GeneratePlan, input: GenerateInput, projects: ProjectView[], projectReadmes: Map<string, string>): Promise<void> {
  const file = input.settings.rootDocs ?? (input.projectRepo ? null : README_FILE);
  if (file === null) return;
  // One file, one region: a project whose README is the root table's file keeps its own table.
  const clash = projectReadmes.get(file);
  if (clash !== undefined) {
    if (input.mode === 'write')
      plan.notes.push(
        `${file} is project "${clash}"'s README: no table of all projects there; name another file in "generate": { "rootDocs": ... } of portreg.config.json`,
      );
    return;
  }
  await regionFile(plan, input, 'docs', file, null, 'markdown', rootDocsBody(projects), {
    place: (text, block, eol) => [placeDocsRegion(text, block, eol, 'root')],
    create: (block) => newReadme('root', '', block, '\n'),
  });
}

interface RegionHow {
  place: (text: string, block: string, eol: string) => StringEdit[];
  create: ((block: string) => string) | null;
}

async function regionFile(
  plan: GeneratePlan,
  input: GenerateInput,
  target: FileTarget,
  file: string,
  project: string | null,
  syntax: MarkerSyntax,
  body: string[],
  how: RegionHow,
): Promise<void> {
  if (!judged(input.limit, file, input.mode !== 'judge')) return;
  const before = await readIfFile(input, file);
  if (!before) {
    if (input.mode === 'judge' || !how.create) return;
    const text = how.create(regionText(syntax, body, '\n'));
    plan.files.push(fileChange(target, file, project, null, text));
    return;
  }
  const text = before.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(before)) {
    plan.problems.push({ target, file, line: 1, column: 1, message: `${file} is not UTF-8 text: not generated` });
    return;
  }
  const eol = lineBreakOf(text);
  const lines = new LineIndex(text);
  const found = findRegion(text, syntax);
  if (found.kind === 'unclosed' || found.kind === 'stray-end') {
    const at = lines.position(found.at);
    const what = found.kind === 'unclosed' ? 'a portreg:start marker without a portreg:end after it' : 'a portreg:end marker without a portreg:start before it';
    plan.problems.push({
      target,
      file,
      ...at,
      message: `${file}:${at.line}:${at.column}: ${what}: add the missing marker (or remove this one) so the generated region is clear`,
    });
    return;
  }
  if (found.kind === 'none') {
    if (input.mode === 'judge') return;
    const edits = how.place(text, regionText(syntax, body, eol), eol);
    plan.files.push(fileChange(target, file, project, text, applyStringEdits(text, edits), edits, { start: 0, end: 0 }));
    return;
  }
  const r = found.region;
  const edit = { start: r.contentStart, end: r.contentEnd, text: body.map((l) => l + eol).join('') };
  plan.files.push(fileChange(target, file, project, text, applyStringEdits(text, [edit]), [edit], { start: r.outerStart, end: r.outerEnd }));
}

async function wholeFile(
  plan: GeneratePlan,
  input: GenerateInput,
  target: FileTarget,
  file: string,
  project: string | null,
  make: () => string,
): Promise<void> {
  if (!judged(input.limit, file, true)) return;
  const before = await readIfFile(input, file);
  if (!before) {
    if (input.mode === 'write') plan.files.push(fileChange(target, file, project, null, make()));
    return;
  }
  const content = make();
  const text = before.toString('utf8');
  // A checkout with CRLF line breaks (git autocrlf) is not out of date for that.
  const eol = lineBreakOf(text);
  const wanted = eol === '\r\n' ? content.replace(/\n/g, '\r\n') : content;
  const withBom = text.startsWith('\uFEFF') ? '\uFEFF' + wanted : wanted;
  plan.files.push(fileChange(target, file, project, text, withBom, [{ start: 0, end: text.length, text: withBom }], { start: 0, end: text.length }));
}

/** The file's change as bytes, with byte-exact edits (only the ones that change something). */
function fileChange(
  target: FileTarget,
  file: string,
  project: string | null,
  before: string | null,
  after: string,
  edits: StringEdit[] = [],
  where = { start: 0, end: 0 },
): GeneratedFile {
  const beforeText = before ?? '';
  const lines = new LineIndex(beforeText);
  const bytes = new ByteOffsets(beforeText);
  const changed = edits.filter((e) => beforeText.slice(e.start, e.end) !== e.text);
  const endAt = where.end > where.start && beforeText[where.end - 1] === '\n' ? where.end - 1 : where.end;
  return {
    target,
    file,
    project,
    created: before === null,
    before: Buffer.from(beforeText, 'utf8'),
    after: Buffer.from(after, 'utf8'),
    edits:
      before === null
        ? [{ file, start: 0, end: 0, text: after }]
        : beforeText === after
          ? []
          : changed.map((e) => ({ file, start: bytes.at(e.start), end: bytes.at(e.end), text: e.text, expected: beforeText.slice(e.start, e.end) })),
    location: lines.span(where.start, Math.max(where.start, endAt)),
  };
}

/** Files whose bytes would change. */
export function staleFiles(plan: GeneratePlan): GeneratedFile[] {
  return plan.files.filter((f) => f.created || !f.before.equals(f.after));
}

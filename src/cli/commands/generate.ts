import path from 'node:path';
import type { Command } from 'commander';
import { PortregCommand } from '../command.js';
import { ExitCode, usageError } from '../../errors.js';
import { readRegistry } from '../../registry/operations.js';
import { outputFormat, printJson, withCommonOptions, type CommandContext, type CommonOptions } from '../context.js';

const TARGETS = ['env', 'docs', 'supervisor', 'ts', 'compose', 'all'] as const;

interface GenerateOptions extends CommonOptions {
  project?: string;
  service?: string[];
  check?: boolean;
  strict?: boolean;
  write?: boolean;
  out?: string;
}

/** One file of the outcome, as printed and written. */
interface FileOutcome {
  file: string;
  target: string;
  project: string | null;
  created: boolean;
  before: Buffer;
  after: Buffer;
}

export function generateCommand(ctx: CommandContext): Command {
  const cmd = withCommonOptions(
    new PortregCommand('generate')
      .description(
        'write what follows from the registry: env templates, README port tables, .supervisor-specific files, a TypeScript module, compose ports entries',
      )
      .argument('<target>', `${TARGETS.join(', ')} (all: env, docs, supervisor, and ts when "generate.ts" is configured)`)
      .option('--project <name>', 'only this project (default: every project, or the project a config names); the ts module always holds every project')
      .option('--service <name...>', 'compose: only these services of the project')
      .option('--check', 'write nothing; exit 1 with a diff when generated text the tree has is out of date (for CI)')
      .option('--strict', 'with --check: also exit 1 for files and regions not generated yet')
      .option('--write', 'write the changes (default: show them as a unified diff)')
      .option('--out <file>', 'ts: the module to write (default: "generate.ts" of portreg.config.json, else ports.generated.ts beside the registry)'),
  ).addHelpText(
    'after',
    `
Generated text lives between <!-- portreg:start --> and <!-- portreg:end --> (Markdown) or
# portreg:start and # portreg:end (env files); the text around it is never touched. The first run
inserts the markers (README: under a "Ports" heading, else in a new section at the end; env: where
the first of its variables was set, taking over those lines, else at the end). The
.supervisor-specific files and the TypeScript module are generated whole.
Without --write: a unified diff of what would change, exit 0. --check judges the generated text the
tree has, as lint's generated-stale does (regions between markers, .supervisor-specific files that
exist, the configured TypeScript module): the diff and exit 1 when any is out of date; files and
regions not generated yet are listed, exit 0 (--strict: exit 1 for them too). --write: every file
or none.
compose --check counts only the entries it would insert into an existing compose service: a service
missing from the compose files (its snippet is printed), one it cannot edit by itself (printed to add
by hand), or one that publishes a different port (port-mismatch's to report, reassign's to move)
does not make it exit 1.
Exit codes: 0 done or current, 1 out of date (--check) or refused, 2 usage or registry error.`,
  );
  cmd.action(async (target: string, options: GenerateOptions) => {
    if (!(TARGETS as readonly string[]).includes(target)) throw usageError('usage', `unknown target "${target}": choose one of ${TARGETS.join(', ')}`);
    if (options.check && options.write) throw usageError('usage', '--check writes nothing: give --check or --write, not both');
    if (options.strict && !options.check) throw usageError('usage', '--strict goes with --check');
    if (options.service && target !== 'compose') throw usageError('usage', '--service is for the compose target');
    if (options.out && target !== 'ts') throw usageError('usage', '--out is for the ts target');
    const [{ openWorkspace }, { planGenerate }, { generateSettings }] = await Promise.all([
      import('../../rewrite/workspace.js'),
      import('../../generate/plan.js'),
      import('../../generate/settings.js'),
    ]);
    const ws = await openWorkspace({ cwd: ctx.cwd, env: ctx.env, registry: options.registry });
    const registry = await readRegistry(ws.located.path, { now: ctx.now(), cwd: ctx.cwd });
    const projectRepo = ws.located.source === 'config' && ws.config?.config.project ? ws.config.config.project : undefined;
    const settings = generateSettings(ws.config, ws.root);
    if (options.out) settings.ts = path.relative(ws.root, path.resolve(ctx.cwd, options.out)).split(path.sep).join('/');
    const json = outputFormat(options) === 'json';

    const files: FileOutcome[] = [];
    const notes: string[] = [];
    const problems: string[] = [];
    const snippets: {
      project: string;
      service: string;
      composeService: string;
      status: string;
      file: string | null;
      message: string;
      snippet: string | null;
    }[] = [];

    if (target === 'compose') {
      const { planCompose } = await import('../../generate/compose.js');
      const project = options.project ?? ws.located.project ?? projectRepo;
      if (!project) throw usageError('usage', 'compose needs --project <name> (or "project" in portreg.config.json)');
      const { requireProject } = await import('../../registry/allocator.js');
      requireProject(registry, project);
      const known = Object.keys(registry.projects[project]!.services ?? {});
      const unknown = (options.service ?? []).filter((s) => !known.includes(s));
      if (unknown.length)
        throw usageError(
          'service-unknown',
          `project "${project}" has no service ${unknown.map((s) => `"${s}"`).join(', ')} (its services: ${known.join(', ') || 'none'})`,
        );
      const scanned = await ws.scan(registry);
      const plan = await planCompose({ root: ws.root, registry, scan: scanned, project, services: options.service });
      for (const f of plan.files) files.push({ file: f.file, target: 'compose', project, created: false, before: f.before, after: f.after });
      for (const s of plan.services) snippets.push({ ...s, file: s.file });
    } else {
      const targets = target === 'all' ? (['env', 'docs', 'supervisor', ...(settings.ts ? ['ts' as const] : [])] as const) : ([target] as const);
      const plan = await planGenerate({
        root: ws.root,
        registry,
        registryDir: path.dirname(ws.located.path),
        ...(projectRepo ? { projectRepo } : {}),
        ...(options.project ? { projects: [options.project] } : {}),
        targets: [...targets] as ('env' | 'docs' | 'supervisor' | 'ts')[],
        settings,
        mode: 'write',
      });
      files.push(...plan.files);
      notes.push(...plan.notes);
      problems.push(...plan.problems.map((p) => p.message));
    }

    const changing = files.filter((f) => f.created || !f.before.equals(f.after));
    // What the tree has opted into: generated text that exists (a region between markers, a
    // generated file) and the configured TypeScript module. A check judges that, as lint does, so
    // a tree that never ran the generators (just adopted, say) is not out of date; --strict
    // judges what --write would add too.
    const { hasMarkers } = await import('../../generate/markers.js');
    const generatedAlready = (f: FileOutcome) =>
      f.target === 'ts' ||
      f.target === 'compose' ||
      (!f.created && (f.target === 'supervisor' || hasMarkers(f.before.toString('utf8'), f.target === 'env' ? 'env' : 'markdown')));
    const judgeAll = !options.check || options.strict;
    const stale = judgeAll ? changing : changing.filter(generatedAlready);
    const notYet = judgeAll ? [] : changing.filter((f) => !generatedAlready(f));
    const shown = (f: FileOutcome) => ({ ...f, file: ws.shown(f.file) });
    const { unifiedDiff } = await import('../../fix/diff.js');
    // The JSON answer carries the whole diff; people get the supervisor files' reservation lists
    // once, not once per project (they are the same in each).
    const diff = json && stale.length ? unifiedDiff(stale.map(shown), { color: false }) : '';
    const { foldRepeatedReservations } = await import('../../generate/supervisor.js');
    const folding = json ? { files: [], folded: [] } : foldRepeatedReservations(stale.map(shown));
    const textDiff = folding.files.length ? unifiedDiff(folding.files, { color: ctx.color && options.color !== false }) : '';
    let written: string[] = [];
    if (options.write && problems.length === 0 && stale.length > 0) {
      // generate --write does not look at git (as documented): files with uncommitted changes are written too.
      const { commitChangeSet, changeOf } = await import('../../fix/commit.js');
      ({ written } = await commitChangeSet({
        root: ws.root,
        files: stale.map(changeOf),
        uncommitted: { refuse: false },
        shown: ws.shown,
        journal: { command: `generate ${target} --write`, registryFile: ws.located.path },
      }));
    }

    const status = (f: FileOutcome) => (f.created ? 'created' : f.before.equals(f.after) ? 'current' : 'changed');
    if (json) {
      printJson(ctx, {
        target,
        mode: options.write ? 'write' : options.check ? 'check' : 'dry-run',
        files: files.map((f) => ({ file: ws.shown(f.file), target: f.target, project: f.project, status: status(f) })),
        written: written.map((f) => ws.shown(f)),
        ...(options.check ? { notGeneratedYet: notYet.map((f) => ws.shown(f.file)) } : {}),
        ...(target === 'compose' ? { services: snippets } : {}),
        notes,
        problems,
        diff,
      });
    } else {
      if (!options.write) {
        ctx.stdout(textDiff);
        const byFirst = new Map<string, { file: string }[]>();
        for (const f of folding.folded) byFirst.set(f.as, [...(byFirst.get(f.as) ?? []), f]);
        for (const [as, same] of byFirst) {
          const names = same.map((f) => f.file);
          const listed = names.length > 10 ? `${names.slice(0, 10).join(', ')}, and ${names.length - 10} more` : names.join(', ');
          ctx.stdout(
            `(${names.length} more ${names.length === 1 ? 'file changes' : 'files change'} only in the reservations shown above for ${as}: ${listed})\n`,
          );
        }
      }
      for (const s of snippets) {
        if (s.status === 'missing' || s.status === 'manual') ctx.stderr(`portreg: ${s.message}\n${s.snippet}`);
      }
      for (const n of notes) ctx.stderr(`portreg: note: ${n}\n`);
      for (const p of problems) ctx.stderr(`portreg: ${p}\n`);
      if (notYet.length)
        ctx.stderr(
          `portreg: not generated yet, so not judged (generate ${target} --write adds ${notYet.length === 1 ? 'it' : 'them'}; --strict judges ${notYet.length === 1 ? 'it' : 'them'} too): ${notYet.map((f) => ws.shown(f.file)).join(', ')}\n`,
        );
      if (options.write) {
        for (const f of written) ctx.stdout(`wrote ${ws.shown(f)}\n`);
        if (problems.length) ctx.stderr('portreg: nothing was written\n');
        else if (written.length === 0) ctx.stderr('portreg: every generated file is current\n');
      } else if (stale.length === 0) ctx.stderr('portreg: every generated file is current\n');
      else if (options.check)
        ctx.stderr(`portreg: ${stale.length} generated file${stale.length === 1 ? ' is' : 's are'} out of date: run "portreg generate ${target} --write"\n`);
      else
        ctx.stderr(
          `portreg: ${stale.length} file${stale.length === 1 ? '' : 's'} would change: run with --write to write ${stale.length === 1 ? 'it' : 'them'}\n`,
        );
    }
    return problems.length || (options.check && stale.length) ? ExitCode.Refused : ExitCode.Ok;
  });
  return cmd;
}

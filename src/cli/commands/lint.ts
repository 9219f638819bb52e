import { type Command, Option } from 'commander';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, PortregError, usageError } from '../../errors.js';
import { PortregCommand } from '../command.js';
import type { CommandContext } from '../context.js';
import type { ReporterName, ReportInput } from '../../report/index.js';

interface LintOptions {
  registry?: string;
  format: string;
  json?: boolean;
  output?: string;
  maxWarnings?: number;
  quiet?: boolean;
  fix?: boolean;
  fixDryRun?: boolean;
  changedSince?: string;
  color?: boolean;
  envFile?: string[];
  baseline?: string;
  updateBaseline?: boolean;
  code?: boolean;
}

const FORMATS = ['stylish', 'json', 'sarif', 'github', 'markdown'];

export function lintCommand(ctx: CommandContext): Command {
  return new PortregCommand('lint')
    .description('check compose files, env templates and READMEs against the registry')
    .argument(
      '[files...]',
      'report on these files or folders only (pre-commit passes files); their projects and the registry are still read, and a changed registry adds the projects whose entries changed',
    )
    .option('--registry <path>', 'the registry file (default: PORTREG_REGISTRY, the config file, or the nearest ports.registry.json upward)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('stylish'))
    .option('--json', 'short for --format json (as on every command)')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--max-warnings <n>', 'exit 1 when there are more warnings than this').argParser(nonNegative))
    .option('--quiet', 'report errors only')
    .option('--fix', 'apply the fixes of fixable findings, as byte-exact edits')
    .option('--fix-dry-run', 'show the changes --fix would make (a unified diff) and report what would remain; write nothing')
    .option('--changed-since <ref>', 'report on the files changed since the merge base of REF and HEAD')
    .option('--env-file <file...>', 'values for compose interpolation, over the env templates')
    .option('--baseline <file>', 'accept the findings listed in this file (see --update-baseline)')
    .option('--update-baseline', 'write the current findings to the --baseline file and exit 0')
    .option('--code', 'also check port literals in TypeScript and JavaScript (or "code": true in portreg.config.json)')
    .option('--no-color', 'no colours in the output')
    .addHelpText(
      'after',
      `
Formats: stylish (people), json (schemas/lint-report.schema.json), sarif (GitHub code scanning),
github (workflow annotations and a step summary), markdown (a pull-request comment).
Exit codes: 0 no errors and warnings within --max-warnings, 1 findings, 2 usage, configuration or registry errors.`,
    )
    .action(async (files: string[], options: LintOptions, cmd: Command) => {
      try {
        return await lintAction(files, options, cmd);
      } catch (err) {
        // In a workflow, a configuration error (an unknown rule, a bad setting, a file that is not
        // there) is an annotation too, so it shows on the run's page and not only in its log.
        if (options.format === 'github' && !options.output && err instanceof PortregError && err.exitCode === ExitCode.Usage) {
          const { errorAnnotation } = await import('../../report/github.js');
          ctx.stdout(`${errorAnnotation(err.message)}\n`);
        }
        throw err;
      }
    });

  async function lintAction(files: string[], options: LintOptions, cmd: Command): Promise<ExitCode | undefined> {
    if (options.json) {
      if (cmd.getOptionValueSource('format') === 'cli' && options.format !== 'json')
        throw usageError('usage', `--json is short for --format json: give one of --json and --format ${options.format}`);
      options.format = 'json';
    }
    // The pre-commit path loads only what a plain lint needs; fixing and baselines load on demand.
    const [{ prepareLint, lintPrepared }, { renderReport, reportContext }] = await Promise.all([
      import('../../lint/run-lint.js'),
      import('../../lint/render.js'),
    ]);

    const prepared = await prepareLint({
      cwd: ctx.cwd,
      env: ctx.env,
      registry: options.registry,
      now: ctx.now(),
      paths: files,
      changedSince: options.changedSince,
      extraEnv: await readEnvFiles(ctx.cwd, options.envFile ?? []),
      ...(options.code ? { code: true } : {}),
      ...(options.baseline ? { baseline: options.baseline } : {}),
      ...(options.updateBaseline ? { updateBaseline: true } : {}),
    });
    const { tree } = prepared;
    const changed = prepared.scope.registryChanged;
    if (changed?.everything)
      ctx.stderr(`portreg: ${tree.shown(tree.registryFile)} changed in what every project is held to (or is new): reporting on every file\n`);
    else if (changed?.projects.length)
      ctx.stderr(`portreg: ${tree.shown(tree.registryFile)} changed the entries of ${changed.projects.join(', ')}: reporting on their files too\n`);

    const fix = options.fixDryRun ? 'dry-run' : options.fix ? 'write' : undefined;
    const outcome = await lintPrepared(prepared, { ...(fix ? { fix } : {}), ...(options.quiet ? { quiet: true } : {}) });
    if (!outcome.registryReadable) {
      // Not JSON or not the schema: the rules cannot run; report what is wrong with the registry.
      await emit({ findings: outcome.findings, skipped: [] }, options);
      return ExitCode.Usage;
    }
    const dryRun = fix === 'dry-run' ? outcome.fixed : undefined;
    if (dryRun && options.format !== 'json') {
      // The diff comes first, then the report of what would remain; on stderr when stdout is a machine's report.
      const { unifiedDiff } = await import('../../fix/diff.js');
      const machine = !options.output && (options.format === 'sarif' || options.format === 'github');
      const diff = dryRun.length ? unifiedDiff(dryRun, { color: ctx.color && options.color !== false && !machine }) : '';
      if (machine) ctx.stderr(diff);
      else ctx.stdout(diff);
    }
    if (outcome.baselineWritten) {
      const { file, count } = outcome.baselineWritten;
      ctx.stderr(`portreg: wrote ${count} finding${count === 1 ? '' : 's'} to ${file}\n`);
      return;
    }
    const { findings } = outcome;
    if (fix === 'write' && outcome.fixed.length)
      ctx.stderr(`portreg: fixed ${outcome.fixed.length} file${outcome.fixed.length === 1 ? '' : 's'}: ${outcome.fixed.map((f) => f.file).join(', ')}\n`);
    // One line, however many rules a partial lint skips: a pre-commit run says it on every commit.
    if (outcome.skipped.length) ctx.stderr(`portreg: ${skippedLine(outcome.skipped)}\n`);
    const fixes = dryRun && options.format === 'json' ? dryRun.map((f) => ({ file: f.file, output: f.after.toString('utf8') })) : undefined;
    // --quiet keeps a clean run silent, as ESLint's does; otherwise a clean run says how much it checked.
    await emit({ findings, skipped: outcome.skipped, ...(fixes ? { fixes } : {}), ...(options.quiet ? {} : { filesChecked: outcome.filesChecked }) }, options);

    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.length - errors;
    return errors > 0 || (options.maxWarnings !== undefined && warnings > options.maxWarnings) ? ExitCode.Refused : ExitCode.Ok;

    async function emit(input: ReportInput, opts: LintOptions): Promise<void> {
      const text = renderReport(opts.format as ReporterName, input, { color: ctx.color && opts.color !== false && !opts.output });
      if (opts.output) {
        // Like ESLint's -o: the report's folder is created when missing.
        const outFile = path.resolve(ctx.cwd, opts.output);
        try {
          await mkdir(path.dirname(outFile), { recursive: true });
          await writeFile(outFile, text);
        } catch (err) {
          throw usageError('output-unwritable', `cannot write the report to ${opts.output}: ${(err as Error).message}`);
        }
      } else {
        ctx.stdout(text);
      }
      if (opts.format === 'github' && ctx.env.GITHUB_STEP_SUMMARY) {
        // Awaited, so the summary is complete when the command returns and a failure is reported, not an unhandled rejection.
        const { formatStepSummary } = await import('../../report/github.js');
        const summary = formatStepSummary(input, reportContext({ color: false }));
        try {
          await writeFile(ctx.env.GITHUB_STEP_SUMMARY, summary, { flag: 'a' });
        } catch (err) {
          ctx.stderr(`portreg: warning: cannot append the step summary to GITHUB_STEP_SUMMARY (${ctx.env.GITHUB_STEP_SUMMARY}): ${(err as Error).message}\n`);
        }
      }
    }
  }
}

/** `skipped port-conflict, registry-unused: need the whole tree: run portreg lint without files`, the reasons grouped. */
export function skippedLine(skipped: readonly { ruleId: string; reason: string }[]): string {
  const byReason = new Map<string, string[]>();
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.ruleId]);
  return `skipped ${[...byReason].map(([reason, ids]) => `${ids.join(', ')}: ${reason}`).join('; ')}`;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw usageError('usage', `--max-warnings takes a whole number, not "${value}"`);
  return n;
}

async function readEnvFiles(cwd: string, files: string[]): Promise<Record<string, string>> {
  const { parse } = await import('dotenv');
  const values: Record<string, string> = {};
  for (const file of files) {
    const text = await readFile(path.resolve(cwd, file), 'utf8').catch(() => {
      throw usageError('env-file-missing', `cannot read --env-file ${file}`);
    });
    Object.assign(values, parse(text));
  }
  return values;
}

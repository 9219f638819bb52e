import type { Command } from 'commander';
import { PortregCommand } from '../command.js';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, usageError } from '../../errors.js';
import { compareFindings, countBySeverity, type Finding } from '../../findings.js';
import { loadRegistry } from '../../registry/load.js';
import { locateRegistry } from '../../config/locate-registry.js';
import { findConfig } from '../../config/load-config.js';
import { assertReadable } from '../../registry/store.js';
import type { Registry } from '../../registry/types.js';
import { formatStylish } from '../../report/stylish.js';
import type { ScanOptions } from '../../scan/scan.js';
import { pushAll } from '../../util/arrays.js';
import { printJson, type CommandContext, type CommonOptions } from '../context.js';
import { terminalProgress } from '../progress.js';

interface ScanCommandOptions extends Omit<CommonOptions, 'format'> {
  format?: string;
  envFile?: string[];
  useProcessEnv?: boolean;
  code?: boolean;
}

export function scanCommand(ctx: CommandContext): Command {
  return new PortregCommand('scan')
    .description('find every port in compose files, env templates and READMEs (and code, with --code), with its place, project and service')
    .argument('[root]', "the folder to scan (default: the registry's folder, or the repository that names a central registry)")
    .option('--registry <path>', 'the registry file (default: PORTREG_REGISTRY, the config file, or the nearest ports.registry.json upward)')
    .option('--format <format>', 'table (for people) or json (the documented contract, schemas/scan.schema.json)', 'table')
    .option('--json', 'short for --format json')
    .option('--env-file <file...>', 'values for compose interpolation, over the env templates next to each compose file')
    .option('--use-process-env', "let this process's environment win over the env files, as Compose does (off: a CI runner's PORT never changes the findings)")
    .option('--code', 'also read TypeScript and JavaScript for port literals (or "code": true in portreg.config.json)')
    .option('--no-color', 'no colours in the output')
    .addHelpText('after', '\nExit codes: 0 scanned, 1 some files could not be read or parsed (see findings), 2 the scan could not run.')
    .action(async (rootArg: string | undefined, options: ScanCommandOptions) => {
      const json = options.json || options.format === 'json';
      // The parsers (yaml, micromark, fast-glob) load only for commands that scan.
      const [{ scan, scanInGroups, GROUP_FILES }, { ScanTable }, { parse: parseDotenv }] = await Promise.all([
        import('../../scan/scan.js'),
        import('../../report/scan-table.js'),
        import('dotenv'),
      ]);
      if (!json && options.format !== 'table') throw usageError('usage', `unknown format "${options.format}": use table or json`);
      let registry: Registry | null = null;
      let registryDir: string | undefined;
      let defaultRoot = ctx.cwd;
      const located = await locateRegistry({ cwd: ctx.cwd, explicit: options.registry, env: ctx.env }).catch((err: unknown) => {
        // Without any registry the scan still lists ports; a registry that was named must exist.
        if (options.registry || ctx.env.PORTREG_REGISTRY) throw err;
        return null;
      });
      if (located) {
        registry = assertReadable(await loadRegistry(located.path, { now: ctx.now(), cwd: ctx.cwd }));
        registryDir = path.dirname(located.path);
        defaultRoot = located.source === 'config' && located.config ? path.dirname(located.config.file) : registryDir;
      }
      const root = path.resolve(ctx.cwd, rootArg ?? defaultRoot);
      const info = await stat(root).catch(() => null);
      if (!info?.isDirectory()) throw usageError('root-missing', `cannot scan ${root}: no such folder`);

      const extraEnv: Record<string, string> = {};
      for (const file of options.envFile ?? []) {
        const text = await readFile(path.resolve(ctx.cwd, file), 'utf8').catch(() => {
          throw usageError('env-file-missing', `cannot read --env-file ${file}`);
        });
        Object.assign(extraEnv, parseDotenv(text));
      }
      const processEnv = options.useProcessEnv
        ? Object.fromEntries(Object.entries(ctx.env).filter((e): e is [string, string] => e[1] !== undefined))
        : undefined;

      // Scan settings come from the config file found from the working folder (globs relative to the root).
      const settings = located?.config?.config ?? (await findConfig(ctx.cwd))?.config ?? {};
      const progress = terminalProgress(ctx, json);
      const scanOptions: ScanOptions = {
        root,
        registry,
        registryDir,
        extraEnv,
        processEnv,
        include: settings.include,
        exclude: settings.exclude,
        docs: settings.docs,
        envFiles: settings.envFiles,
        code: Boolean(options.code || settings.code),
        onProgress: progress.update,
      };
      const color = ctx.color && options.color !== false;
      let findings: Finding[];
      if (json) {
        // The JSON contract is one document: the whole inventory.
        const result = await scan(scanOptions);
        progress.done();
        findings = result.findings;
        printJson(ctx, { ...result, root: path.relative(ctx.cwd, root).split(path.sep).join('/') || '.' });
      } else {
        // The table keeps each port's cells, not the port: the tree is read a group of projects at a time.
        let table = new ScanTable();
        findings = [];
        const end = await scanInGroups({ ...scanOptions, groupFiles: GROUP_FILES }, (group) => {
          table.add(group);
          pushAll(findings, group.findings);
        });
        if (end === 'crossed') {
          const result = await scan({ ...scanOptions, onProgress: undefined });
          table = new ScanTable();
          table.add(result);
          findings = result.findings;
        }
        progress.done();
        findings.sort(compareFindings);
        table.write({ color }, ctx.stdout);
        if (findings.length) ctx.stdout('\n' + formatStylish(findings, { color }));
      }
      return countBySeverity(findings).errors > 0 ? ExitCode.Refused : ExitCode.Ok;
    });
}

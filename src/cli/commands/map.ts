import { type Command, Option } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, usageError } from '../../errors.js';
import type { Registry } from '../../registry/types.js';
import { PortregCommand } from '../command.js';
import type { CommandContext } from '../context.js';

interface MapOptions {
  registry?: string;
  format: 'html' | 'svg';
  output?: string;
  code?: boolean;
  color?: boolean;
}

const DEFAULT_OUTPUT = { html: 'ports-map.html', svg: 'ports-map.svg' } as const;

export function mapCommand(ctx: CommandContext): Command {
  return new PortregCommand('map')
    .description(
      'draw the port space: project ranges, ports in use, reservations, free blocks and findings, as one self-contained HTML page (or an SVG picture)',
    )
    .option('--registry <path>', 'the registry file (default: PORTREG_REGISTRY, the config file, or the nearest ports.registry.json upward)')
    .addOption(new Option('--format <format>', 'html (a page: zoom, filter, details) or svg (a static picture)').choices(['html', 'svg']).default('html'))
    .option('-o, --output <file>', 'the file to write, "-" for stdout (default: ports-map.html, or ports-map.svg with --format svg)')
    .option('--code', 'also read TypeScript and JavaScript for ports (or "code": true in portreg.config.json)')
    .option('--no-color', 'no colours in the output')
    .addHelpText(
      'after',
      `
The page loads nothing from the network: styles, script and data are inline. Findings are those of
portreg lint (suppressions and baseline applied); they are drawn, and do not change the exit code.
Exit codes: 0 written, 2 usage, configuration or an unreadable registry (its problems are printed).`,
    )
    .action(async (options: MapOptions) => {
      // Scanning and linting load only for this command; the renderers are plain functions.
      const [{ prepareLint, lintPrepared }, { buildMapModel }, { renderMapHtml }, { renderMapSvg, summaryLine }, { formatStylish }] = await Promise.all([
        import('../../lint/run-lint.js'),
        import('../../map/model.js'),
        import('../../report/map/html.js'),
        import('../../report/map/svg.js'),
        import('../../report/stylish.js'),
      ]);
      const prepared = await prepareLint({
        cwd: ctx.cwd,
        env: ctx.env,
        registry: options.registry,
        now: ctx.now(),
        ...(options.code ? { code: true } : {}),
        inventory: true,
      });
      const outcome = await lintPrepared(prepared);
      if (!outcome.registryReadable || !outcome.scan) {
        ctx.stderr(formatStylish(outcome.findings, { color: ctx.color && options.color !== false }));
        ctx.stderr('portreg: the registry cannot be read, so there is no map: fix the problems above (portreg registry check)\n');
        return ExitCode.Usage;
      }
      const { tree } = prepared;
      const scan = outcome.scan;
      const model = buildMapModel({
        registry: prepared.registry.data as Registry,
        ports: scan.ports.map((p) => ({ ...p, file: tree.shown(p.file) })),
        files: scan.files.map((f) => ({ path: tree.shown(f.path), project: f.project })),
        findings: outcome.findings,
        registryFile: { path: tree.shown(tree.registryFile), doc: prepared.registry.doc },
      });
      const text = options.format === 'svg' ? renderMapSvg(model) : renderMapHtml(model, { source: tree.shown(tree.registryFile) });

      if (options.output === '-') {
        ctx.stdout(text);
        return ExitCode.Ok;
      }
      const output = options.output ?? DEFAULT_OUTPUT[options.format];
      const file = path.resolve(ctx.cwd, output);
      try {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, text);
      } catch (err) {
        throw usageError('output-unwritable', `cannot write the map to ${output}: ${(err as Error).message}`);
      }
      ctx.stdout(`wrote ${output}: ${summaryLine(model)}\n`);
      return ExitCode.Ok;
    });
}

import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { refusal, usageError } from '../../errors.js';
import { createFileExclusive } from '../../util/atomic-write.js';
import { gitTopLevel } from '../../util/git.js';
import { newRegistry } from '../../registry/defaults.js';
import { findRegistryUpward } from '../../config/locate-registry.js';
import { displayPathFor } from '../../registry/load.js';
import { REGISTRY_SCHEMA_PATH } from '../../registry/schema.js';
import { serializeRegistry } from '../../registry/serialize.js';
import { formatRange, REGISTRY_FILE_NAME } from '../../registry/types.js';
import type { ImportedProject, ImportResult } from '../../adopt/plan-import.js';
import { outputFormat, printJson, type CommandContext, type CommonOptions } from '../context.js';

/**
 * A `$schema` that resolves on every clone, or none: the schema of the portreg installed in the
 * repository's own node_modules (a dependency of that repository), else the running portreg's
 * schema when it lies in the same repository (portreg's own checkout). A path into another
 * folder of this machine would break for everyone else: `portreg schema --path` prints it instead.
 * `top` is the git top folder (the folder itself outside git).
 */
export function schemaReferenceFor(folder: string, top: string): string | undefined {
  const inside = (file: string) => !path.relative(top, file).startsWith('..');
  for (let dir = folder; inside(dir); dir = path.dirname(dir)) {
    const installed = path.join(dir, 'node_modules', 'portreg', 'schemas', 'ports.registry.schema.json');
    if (existsSync(installed)) return toRelative(folder, installed);
    if (dir === top || path.dirname(dir) === dir) break;
  }
  return inside(REGISTRY_SCHEMA_PATH) ? toRelative(folder, REGISTRY_SCHEMA_PATH) : undefined;
}

function toRelative(from: string, to: string): string {
  const rel = path.relative(from, to).split(path.sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export function initCommand(ctx: CommandContext): Command {
  return new Command('init')
    .description(`write a new ${REGISTRY_FILE_NAME} in the current folder, with the system's reserved ports and ranges`)
    .argument('[root]', 'with --import: the folder to adopt (default: the current folder); the registry is written there')
    .option('--import', 'register what is there: each project folder gets a range, and its ports (see below)')
    .option('--json', 'machine-readable output')
    .option('--format <format>', 'text or json')
    .addHelpText(
      'after',
      `
With --import, an existing tree adopts the registry. A project is a folder that holds a compose
file, or a README together with an env template (.env.example, ...); it is named after the
folder. Its services are the host ports its compose files publish and the port variables of its
env templates. A project whose ports all sit in one free, allowed block of the project space
(blocks of 100: 5000-5099, 5100-5199, ...) gets that block and keeps its ports; every other
project gets a free block, and each service a new port there (its old offset where it can),
with the old port in the service's history. Then "portreg lint --fix" moves the configs (compose
files, env templates, READMEs) to the new ports, and "portreg lint" passes.
An existing registry is never overwritten.`,
    )
    .action(async (root: string | undefined, options: CommonOptions & { import?: boolean }) => {
      if (root !== undefined && !options.import) throw usageError('usage', `init takes a folder only with --import (got "${root}")`);
      const folder = root === undefined ? ctx.cwd : path.resolve(ctx.cwd, root);
      const file = path.join(folder, REGISTRY_FILE_NAME);
      const shown = displayPathFor(file, ctx.cwd);
      const above = await findRegistryUpward(path.dirname(folder));
      // Compared as real paths: git answers with one, and the folder may be reached through a link.
      const real = await realpath(folder).catch(() => folder);
      let registry = newRegistry(schemaReferenceFor(real, (await gitTopLevel(real)) ?? real));
      let imported: ImportResult | null = null;
      if (options.import) {
        if (existsSync(file))
          throw refusal(
            'registry-exists',
            `${shown} already exists; nothing was written (an import starts a registry; to add a project to this one, use "portreg project add")`,
          );
        // The scanner loads only for an import.
        const { importTree } = await import('../../adopt/import-tree.js');
        imported = await importTree(folder, registry, ctx.now());
        registry = imported.registry;
      }
      // An existing registry is never overwritten, even by a racing second init.
      if (!(await createFileExclusive(file, serializeRegistry(registry)))) {
        throw refusal('registry-exists', `${shown} already exists; nothing was written (check it with "portreg registry check")`);
      }
      const warnings = above ? [`a registry already exists further up, at ${above}: commands run below ${folder} now use the new one`] : [];
      if (outputFormat(options) === 'json') {
        printJson(ctx, { registry: shown, created: true, warnings, ...(imported ? { projects: imported.projects, notes: imported.notes } : {}) });
        return;
      }
      for (const w of warnings) ctx.stderr(`portreg: warning: ${w}\n`);
      if (!imported) {
        ctx.stdout(`created ${shown} with ${registry.reserved!.length} reservations; next: portreg project add NAME\n`);
        return;
      }
      for (const n of imported.notes) ctx.stderr(`portreg: ${n}\n`);
      ctx.stdout(formatImportTable(imported.projects));
      const moving = imported.projects.flatMap((p) => p.services).filter((s) => s.old !== s.new).length;
      ctx.stdout(
        `\ncreated ${shown} with ${imported.projects.length} project${imported.projects.length === 1 ? '' : 's'}` +
          (moving ? `; ${moving} port${moving === 1 ? '' : 's'} to move: commit, then run "portreg lint --fix"\n` : '; every port stays where it is\n'),
      );
    });
}

/** project | range | service | old | new, one row per service. */
export function formatImportTable(projects: ImportedProject[]): string {
  const header = ['project', 'range', 'service', 'old', 'new'];
  const rows: string[][] = [];
  for (const p of projects) {
    if (p.services.length === 0) rows.push([p.project, formatRange(p.range), '-', '-', '-']);
    p.services.forEach((s, i) => {
      rows.push([
        i === 0 ? p.project : '',
        i === 0 ? formatRange(p.range) : '',
        s.service,
        String(s.old),
        s.old === s.new ? `${s.new} (stays)` : String(s.new),
      ]);
    });
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!)))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n') + '\n';
}

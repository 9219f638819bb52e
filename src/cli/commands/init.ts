import { Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { refusal } from '../../errors.js';
import { createFileExclusive } from '../../util/atomic-write.js';
import { newRegistry } from '../../registry/defaults.js';
import { findRegistryUpward } from '../../registry/locate.js';
import { displayPathFor } from '../../registry/load.js';
import { REGISTRY_SCHEMA_PATH } from '../../registry/schema.js';
import { serializeRegistry } from '../../registry/serialize.js';
import { REGISTRY_FILE_NAME } from '../../registry/types.js';
import { outputFormat, printJson, type CommandContext, type CommonOptions } from '../context.js';

/**
 * A `$schema` that resolves from the user's folder: the copy in their node_modules when
 * portreg is installed there, else the schema of the portreg that runs, relative to the folder.
 */
export function schemaReferenceFor(folder: string): string {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    const installed = path.join(dir, 'node_modules', 'portreg', 'schemas', 'ports.registry.schema.json');
    if (existsSync(installed)) return toRelative(folder, installed);
    if (path.dirname(dir) === dir) break;
  }
  return toRelative(folder, REGISTRY_SCHEMA_PATH);
}

function toRelative(from: string, to: string): string {
  const rel = path.relative(from, to).split(path.sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export function initCommand(ctx: CommandContext): Command {
  return new Command('init')
    .description(`write a new ${REGISTRY_FILE_NAME} in the current folder, with the system's reserved ports and ranges`)
    .option('--json', 'machine-readable output')
    .option('--format <format>', 'text or json')
    .action(async (options: CommonOptions) => {
      const folder = ctx.cwd;
      const file = path.join(folder, REGISTRY_FILE_NAME);
      const shown = displayPathFor(file, ctx.cwd);
      const above = await findRegistryUpward(path.dirname(folder));
      const registry = newRegistry(schemaReferenceFor(folder));
      // An existing registry is never overwritten, even by a racing second init.
      if (!(await createFileExclusive(file, serializeRegistry(registry)))) {
        throw refusal('registry-exists', `${shown} already exists; nothing was written (check it with "portreg registry check")`);
      }
      const warnings = above
        ? [`a registry already exists further up, at ${above}: commands run below ${folder} now use the new one`]
        : [];
      if (outputFormat(options) === 'json') {
        printJson(ctx, { registry: shown, created: true, warnings });
        return;
      }
      for (const w of warnings) ctx.stderr(`portreg: warning: ${w}\n`);
      ctx.stdout(`created ${shown} with ${registry.reserved!.length} reservations; next: portreg project add NAME\n`);
    });
}

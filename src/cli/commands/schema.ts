import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { schemaFile } from '../../package-info.js';
import { usageError } from '../../errors.js';
import type { CommandContext } from '../context.js';

/** The JSON Schemas portreg ships, by the name `portreg schema NAME` takes. */
const SCHEMAS: Record<string, string> = {
  registry: 'ports.registry.schema.json',
  config: 'portreg.config.schema.json',
  scan: 'scan.schema.json',
  'lint-report': 'lint-report.schema.json',
  'supervisor-ports': 'supervisor-ports.schema.json',
};

export function schemaCommand(ctx: CommandContext): Command {
  return new Command('schema')
    .description("print a JSON Schema portreg ships (default: the registry's), or with --path where the installed copy is")
    .argument('[name]', `which schema: ${Object.keys(SCHEMAS).join(', ')}`, 'registry')
    .option('--path', "print the schema file's absolute path instead of its text (for an editor's or a CI validator's setting)")
    .addHelpText(
      'after',
      `
portreg init writes "$schema" only when it resolves on every clone (portreg installed in the
repository's own node_modules); otherwise point your editor at the path this prints.`,
    )
    .action(async (name: string, options: { path?: boolean }) => {
      const file = SCHEMAS[name];
      if (!file) throw usageError('usage', `unknown schema "${name}": choose one of ${Object.keys(SCHEMAS).join(', ')}`);
      const schemaPath = schemaFile(file);
      ctx.stdout(options.path ? `${schemaPath}\n` : await readFile(schemaPath, 'utf8'));
    });
}

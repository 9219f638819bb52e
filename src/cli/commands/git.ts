/**
 * `portreg git install`: the registry's merge driver, for local merges and rebases. Two pieces:
 * the driver in the repository's own git config (each clone runs this once: git config is not
 * shared), and `merge=portreg` for the registry file in `.gitattributes` (committed, shared).
 * Idempotent: what is there already is left as it is.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { usageError } from '../../errors.js';
import { ABSENT, commitChangeSet } from '../../fix/commit.js';
import { gitTopLevel, localConfig, setLocalConfig } from '../../util/git.js';
import { outputFormat, printJson, resolveRegistry, withCommonOptions, type CommandContext, type CommonOptions } from '../context.js';

const DRIVER = 'portreg';

export function gitCommand(ctx: CommandContext): Command {
  const cmd = new Command('git').description('set portreg up in git: the registry merge driver');
  withCommonOptions(
    cmd
      .command('install')
      .description('install the registry merge driver: "git config merge.portreg.*" in this clone and "merge=portreg" for the registry in .gitattributes')
      .option('--command <cmd>', 'how git runs portreg (default: "portreg" on the PATH; a project-local install: "npx --no-install portreg")', 'portreg'),
  )
    .addHelpText(
      'after',
      `
With the driver, "git merge" and "git rebase" merge the registry entry by entry (as "portreg registry resolve"
does) instead of line by line: no conflict markers when both branches allocated, and no duplicate port when
they allocated on different lines. Run it once in each clone (git config is not shared); commit .gitattributes.
Hosted merge buttons (GitHub, GitLab) ignore merge drivers: keep "portreg registry check" and "portreg lint"
as a required check on the merged result. Running it again changes nothing.
Exit codes: 0 installed (or already), 2 not in a git repository.`,
    )
    .action(async (options: CommonOptions & { command: string }) => {
      const top = await gitTopLevel(ctx.cwd);
      if (!top) throw usageError('not-a-git-repository', `${ctx.cwd} is not in a git repository: the merge driver is a git setting`);
      const located = await resolveRegistry(ctx, options);
      const rel = path.relative(top, located.path).split(path.sep).join('/');
      if (rel.startsWith('..') || path.isAbsolute(rel))
        throw usageError(
          'registry-outside-repository',
          `the registry ${located.path} lies outside this repository (${top}): run "portreg git install" in the registry's own repository`,
        );
      if (/[\s"\\]/.test(rel))
        throw usageError(
          'registry-path-unquotable',
          `the registry's path "${rel}" has a space, a quote or a backslash: add "${rel} merge=portreg" to .gitattributes by hand`,
        );

      const settings: [string, string][] = [
        ['merge.portreg.name', 'portreg: the port registry, merged entry by entry'],
        ['merge.portreg.driver', `${options.command} registry merge-driver %O %A %B %P`],
      ];
      const done: string[] = [];
      for (const [key, value] of settings) {
        if ((await localConfig(top, key)) === value) continue;
        await setLocalConfig(top, key, value);
        done.push(`git config ${key} "${value}"`);
      }

      const entry = `${rel} merge=${DRIVER}`;
      const attributes = path.join(top, '.gitattributes');
      const before = await readFile(attributes).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw usageError('file-unreadable', `cannot read ${attributes}: ${err.message}`);
      });
      const text = before?.toString('utf8') ?? '';
      if (!text.split(/\r?\n/).some((line) => line.trim().split(/\s+/).join(' ') === entry)) {
        const after = `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${entry}\n`;
        // A file write like any other: checked, atomic, refused if the file changes meanwhile.
        await commitChangeSet({
          root: top,
          files: [{ file: '.gitattributes', before: before ?? ABSENT, after: Buffer.from(after) }],
          uncommitted: { refuse: false },
        });
        done.push(`.gitattributes: ${entry}`);
      }

      if (outputFormat(options) === 'json') {
        printJson(ctx, { repository: top, registry: rel, changed: done.length > 0, done });
        return;
      }
      if (done.length === 0) {
        ctx.stdout(`the registry merge driver is installed already (${rel} merge=${DRIVER}); nothing to change\n`);
        return;
      }
      for (const line of done) ctx.stdout(`${line}\n`);
      ctx.stdout(
        `installed: git merges and rebases now merge ${rel} entry by entry; commit .gitattributes, and run "portreg git install" in each clone (git config is not shared). Hosted merge buttons ignore merge drivers: keep "portreg registry check" as a required check.\n`,
      );
    });
  return cmd;
}

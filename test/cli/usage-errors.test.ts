/**
 * Usage errors read as portreg's other errors do: one line starting with `portreg:`, exit 2, and
 * the nearest command, option or config setting when the word given is a typo of one.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageMessage } from '../../src/cli/main.js';
import { nearest } from '../../src/util/suggest.js';
import { runCli, tempDir, testEnv } from '../helpers/cli.js';

let base: string;
let cleanup: () => Promise<void>;
let n = 0;
beforeAll(async () => {
  ({ dir: base, cleanup } = await tempDir('portreg-usage-'));
});
afterAll(() => cleanup());

async function treeWithConfig(config: string): Promise<string> {
  const dir = path.join(base, `${n++}`);
  await mkdir(dir);
  await writeFile(path.join(dir, 'ports.registry.json'), '{\n  "version": 1,\n  "projects": {}\n}\n');
  await writeFile(path.join(dir, 'portreg.config.json'), config);
  return dir;
}

const cli = (args: string[], cwd = base) => runCli(args, { cwd, env: testEnv() });

describe('usage errors', () => {
  it('an unknown command: the nearest one, or where the list is', async () => {
    expect(await cli(['registy'])).toEqual({ code: 2, signal: null, stdout: '', stderr: "portreg: unknown command 'registy' (did you mean registry?)\n" });
    expect(await cli(['lnt'])).toEqual({ code: 2, signal: null, stdout: '', stderr: "portreg: unknown command 'lnt' (did you mean lint?)\n" });
    expect(await cli(['xyzzy'])).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: "portreg: unknown command 'xyzzy' (portreg --help lists the commands)\n",
    });
  });

  it("an unknown option, a missing argument, a value outside the choices: Commander's message, as portreg's", async () => {
    expect(await cli(['lint', '--frmat', 'json'])).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: "portreg: unknown option '--frmat' (did you mean --format?)\n",
    });
    expect(await cli(['who'])).toEqual({ code: 2, signal: null, stdout: '', stderr: "portreg: missing required argument 'port'\n" });
    expect(await cli(['scan', '--format', 'xml'])).toEqual({ code: 2, signal: null, stdout: '', stderr: 'portreg: unknown format "xml": use table or json\n' });
  });

  it('an unknown config setting: the nearest setting of that object of the schema', async () => {
    const top = await treeWithConfig('{\n  "registy": "ports.registry.json"\n}\n');
    expect(await cli(['lint'], top)).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: 'portreg: portreg.config.json:2:3: unknown setting "registy" (did you mean "registry"?)\n',
    });
    const nested = await treeWithConfig('{ "generate": { "rootdocs": "docs/ports.md" } }\n');
    expect((await cli(['lint'], nested)).stderr).toBe('portreg: portreg.config.json:1:17: unknown setting "rootdocs" (did you mean "rootDocs"?)\n');
    const far = await treeWithConfig('{ "colour": true }\n');
    expect((await cli(['lint'], far)).stderr).toBe('portreg: portreg.config.json:1:3: unknown setting "colour"\n');
  });

  it('an unknown rule in the config: the nearest rule id', async () => {
    const dir = await treeWithConfig('{ "rules": { "port-conflicts": "off" } }\n');
    expect((await cli(['lint'], dir)).stderr).toBe(
      'portreg: portreg.config.json:1:14: unknown rule "port-conflicts" (did you mean "port-conflict"? see docs/rules/README.md for the list)\n',
    );
  });
});

describe('nearest', () => {
  it('takes the closest known word within a third of the length, swaps of neighbours counting one', () => {
    expect(nearest('registy', ['init', 'registry', 'project'])).toBe('registry');
    expect(nearest('rgeistry', ['registry'])).toBe('registry');
    expect(nearest('REGISTRY', ['registry'])).toBe('registry');
    expect(nearest('colour', ['code', 'rules'])).toBeUndefined();
    expect(nearest('ps', ['ls', 'ps'])).toBe('ps');
    expect(nearest('x', [])).toBeUndefined();
  });

  it("usageMessage folds Commander's two lines into one", () => {
    expect(usageMessage("error: unknown option '--fix-dryrun'\n(Did you mean --fix-dry-run?)\n")).toBe(
      "portreg: unknown option '--fix-dryrun' (did you mean --fix-dry-run?)\n",
    );
    expect(usageMessage('error: too many arguments\n')).toBe('portreg: too many arguments\n');
  });
});

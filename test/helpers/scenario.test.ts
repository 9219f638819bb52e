import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenario } from './scenario.js';

describe('scenario', () => {
  it('writes the files, the registry (object or text) and the config', async () => {
    const s = await scenario({ files: { 'a/b.txt': 'x\n', 'c.bin': Buffer.from([0, 1]) }, registry: { version: 1, projects: {} }, config: { code: true } });
    expect(await s.read('a/b.txt')).toBe('x\n');
    expect(await s.readBytes('c.bin')).toEqual(Buffer.from([0, 1]));
    expect(await s.read('ports.registry.json')).toBe('{\n  "version": 1,\n  "projects": {}\n}\n');
    expect(await s.read('portreg.config.json')).toBe('{\n  "code": true\n}\n');
    const raw = await scenario({ registry: '{"version":1,"projects":{}}' });
    expect(await raw.read('ports.registry.json')).toBe('{"version":1,"projects":{}}');
    await s.write('d/e.txt', 'y');
    expect(await readFile(path.join(s.root, 'd/e.txt'), 'utf8')).toBe('y');
    expect(() => s.path('../outside')).toThrow(/outside/);
  });

  it('git: everything committed once, by a fixed author at a fixed date', async () => {
    const s = await scenario({ files: { 'a.txt': 'a\n' }, git: true });
    expect(s.git('log', '--format=%an <%ae> %aI %cI %s')).toBe(
      'portreg tests <tests@portreg.invalid> 2026-11-20T12:00:00+00:00 2026-11-20T12:00:00+00:00 initial\n',
    );
    expect(s.git('ls-files')).toBe('a.txt\n');
    expect(s.git('status', '--porcelain')).toBe('');
    await s.write('b.txt', 'b\n');
    s.commit('second');
    expect(s.git('log', '--format=%s')).toBe('second\ninitial\n');
  });

  it('cleanup removes the folder', async () => {
    const s = await scenario({ files: { 'a.txt': 'a' } });
    await s.cleanup();
    expect(existsSync(s.root)).toBe(false);
  });

  let left = '';
  it('is removed when the test that made it finishes', async () => {
    left = (await scenario({ files: { 'a.txt': 'a' } })).root;
    expect(existsSync(left)).toBe(true);
  });
  it('(the folder of the test before is gone)', () => {
    expect(left).not.toBe('');
    expect(existsSync(left)).toBe(false);
  });
});

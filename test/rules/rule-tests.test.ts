/** Every rule that checks the inventory has its own rule-tester file, test/rules/<id>.test.ts, run through ruleTester.run('<id>', ...). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { CHECK_RULES } from '../../src/rules/index.js';

it('each rule of CHECK_RULES has test/rules/<id>.test.ts, which runs the rule tester on it', () => {
  const missing = CHECK_RULES.map((r) => r.meta.id).filter((id) => {
    const file = path.join(import.meta.dirname, `${id}.test.ts`);
    return !existsSync(file) || !readFileSync(file, 'utf8').includes(`ruleTester.run('${id}',`);
  });
  expect(missing).toEqual([]);
});

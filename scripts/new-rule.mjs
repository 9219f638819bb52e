#!/usr/bin/env node
/**
 * Scaffolds a lint rule:
 *
 *   node scripts/new-rule.mjs <rule-id>        (npm run new-rule -- <rule-id>)
 *
 * creates src/rules/<id>.ts (a Rule with its meta and an empty check), test/rules/<id>.test.ts
 * (it.todo placeholders for the cases to write), docs/rules/<id>.md (the page template) and the
 * rule's row in docs/rules/README.md, then prints what to add to src/rules/index.ts.
 * Refuses an id that is not kebab-case (exit 2) and one that exists already (exit 1); nothing is
 * written unless every file can be.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const INDEX_MARKER = '<!-- new-rule: rows of new rules go above this line -->';

function fail(code, message) {
  process.stderr.write(`new-rule: ${message}\n`);
  process.exit(code);
}

const args = process.argv.slice(2);
if (args.length !== 1 || args[0] === '--help' || args[0] === '-h') {
  fail(2, 'usage: node scripts/new-rule.mjs <rule-id>   (a kebab-case id such as port-shadowed)');
}
const id = args[0];
if (!KEBAB.test(id)) {
  fail(2, `"${id}" is not a kebab-case rule id: lower-case letters and digits in words joined by single hyphens, starting with a letter (port-shadowed)`);
}
const name = id.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());

// The ids that exist: every rule module's `id: '...'` and the reported rules' `meta('...')`.
const rulesDir = path.join(ROOT, 'src/rules');
const known = new Set();
const exportedNames = new Set();
for (const file of readdirSync(rulesDir).filter((f) => f.endsWith('.ts'))) {
  const text = readFileSync(path.join(rulesDir, file), 'utf8');
  for (const m of text.matchAll(/\bid:\s*['"]([a-z0-9-]+)['"]/g)) known.add(m[1]);
  for (const m of text.matchAll(/\bmeta\(\s*['"]([a-z0-9-]+)['"]/g)) known.add(m[1]);
  for (const m of text.matchAll(/\bexport\s+(?:const|function|class)\s+([A-Za-z_$][\w$]*)/g)) exportedNames.add(m[1]);
}
if (known.has(id)) fail(1, `rule "${id}" exists already (see src/rules/)`);

const files = {
  rule: path.join('src/rules', `${id}.ts`),
  test: path.join('test/rules', `${id}.test.ts`),
  docs: path.join('docs/rules', `${id}.md`),
};
const taken = Object.values(files).filter((f) => existsSync(path.join(ROOT, f)));
if (taken.length) fail(1, `rule "${id}" exists already: ${taken.join(', ')}`);
if (exportedNames.has(name)) fail(1, `src/rules/ already exports "${name}": choose another id`);

const indexPath = path.join(ROOT, 'docs/rules/README.md');
const indexText = existsSync(indexPath) ? readFileSync(indexPath, 'utf8') : null;
if (indexText === null || !indexText.includes(INDEX_MARKER)) {
  fail(1, `docs/rules/README.md has no "${INDEX_MARKER}" line to add the rule's row above`);
}

const DESCRIPTION = 'TODO: one sentence: what this rule catches.';

const ruleSource = `import type { Rule, RuleFinding } from './types.js';

/**
 * TODO: what the rule catches and why it matters on machines that several projects share
 * (docs/rules/${id}.md says it at length).
 */
export const ${name}: Rule = {
  meta: {
    id: '${id}',
    defaultSeverity: 'warning',
    description: '${DESCRIPTION}',
    fixable: false,
    scope: 'file',
  },
  // The context has the scan (files, ports, stacks, directives), the registry, its path as reports
  // show it, and the index (port owners, reservations, previous owners, registry locations). Report
  // with \`{ ...at(port), message, key }\` (at, describePort, isHostPort and replacePort are in
  // ./rule-index.js); add \`fix\` only when the edit is certain.
  check() {
    const findings: RuleFinding[] = [];
    return findings;
  },
};
`;

const testSource = `import { describe, expect, it } from 'vitest';
import { ${name} } from '../../src/rules/${id}.js';

describe('${id}', () => {
  it('declares its id', () => {
    expect(${name}.meta.id).toBe('${id}');
  });

  // TODO: write the cases. A small fixture tree under test/fixtures/ run through lint() (see
  // test/lint/fleet.test.ts), then the exact findings: file, line, column, message, fix.
  it.todo('reports the problem, with the exact message and place');
  it.todo('stays quiet on the passing example of docs/rules/${id}.md');
  it.todo('applies its fix byte for byte (if the rule is fixable)');
});
`;

const docsSource = `# ${id}

TODO: one paragraph: what the rule catches, and why it matters for people who run several
projects on shared machines.

Default: warning

Fixable: no

Scope: file — TODO: say what the rule looks at (a \`fleet\` rule compares projects across the whole tree and is skipped when only given files are linted).

## Failing example

TODO: a short docker-compose.yml / .env.example / README.md / ports.registry.json, and the exact
finding the rule reports for it:

\`\`\`text
TODO: the output of portreg lint
\`\`\`

## Passing example

TODO: the same files, corrected.

## How to fix

TODO

## When to turn it off

TODO: when it is reasonable.

For the whole repository, set it in \`portreg.config.json\` (or \`.portregrc.json\`, \`.portregrc\`, or the \`portreg\` key of \`package.json\`); \`"warn"\` or \`"error"\` instead of \`"off"\` changes its severity:

\`\`\`json
{ "rules": { "${id}": "off" } }
\`\`\`

For one place, write a comment on the line above it, with the reason after \`--\`:

\`\`\`yaml
# portreg-disable-next-line ${id} -- TODO: the reason
\`\`\`

See the [list of rules](README.md).
`;

const row = `| [${id}](${id}.md) | warning | no | file | ${DESCRIPTION} |`;
const lines = indexText.split('\n');
const at = lines.indexOf(INDEX_MARKER);
// Above the marker, after the table's last row (the blank line that ends the table stays).
let insertAt = at;
while (insertAt > 0 && lines[insertAt - 1].trim() === '') insertAt--;
lines.splice(insertAt, 0, row);

for (const [key, text] of [
  ['rule', ruleSource],
  ['test', testSource],
  ['docs', docsSource],
]) {
  writeFileSync(path.join(ROOT, files[key]), text, { flag: 'wx' });
}
writeFileSync(indexPath, lines.join('\n'));

process.stdout.write(`Created:
  ${files.rule}
  ${files.test}
  ${files.docs}
and added its row to docs/rules/README.md.

Now add the rule to src/rules/index.ts:

  import { ${name} } from './${id}.js';

  export const CHECK_RULES: Rule[] = [
    ...
    ${name},
  ];

If it reports errors about one port occurrence, decide its place in PORT_ERROR_PRECEDENCE there too.
Until then test/rules/docs.test.ts fails: docs/rules/${id}.md is a page for no rule.

Then fill in the TODOs (the meta's description also goes in the README row), and run:

  npx vitest run test/rules/${id}.test.ts test/rules/docs.test.ts
`);

import { expect, it } from 'vitest';
import { lintCase, ruleTester } from '../helpers/rule-tester.js';

const registry = {
  version: 1,
  projects: {
    billing: {
      range: { from: 5000, to: 5099 },
      path: 'billing',
      services: {
        api: { port: 5001, purpose: 'REST API', env: 'API_PORT' },
        admin: { port: 5003, purpose: 'Admin UI', env: 'ADMIN_PORT' },
      },
    },
  },
};
const compose = (...entries: string[]) => `services:\n  admin:\n    ports:\n${entries.map((e) => `      - ${e}\n`).join('')}`;
const notListed = (variable: string, template: string) => `${variable} is used here but ${template} does not list it`;

ruleTester.run('env-undocumented', {
  valid: [
    {
      name: 'the template lists the variable',
      registry,
      files: { 'billing/.env.example': 'ADMIN_PORT=5003\n', 'billing/docker-compose.yml': compose('"${ADMIN_PORT:-5003}:80"') },
    },
    {
      name: 'a key with an empty value counts as listed',
      registry,
      files: { 'billing/.env.example': 'ADMIN_PORT=\n', 'billing/docker-compose.yml': compose('"${ADMIN_PORT:-5003}:80"') },
    },
    { name: 'a port written without a variable', registry, files: { 'billing/docker-compose.yml': compose('"5003:80"') } },
    {
      name: 'a variable in environment, not in ports',
      registry,
      files: { 'billing/docker-compose.yml': 'services:\n  admin:\n    environment:\n      ADMIN_PORT: ${ADMIN_PORT:-5003}\n' },
    },
    {
      name: 'a .env.sample counts as the template',
      registry,
      files: { 'billing/.env.sample': 'ADMIN_PORT=5003\n', 'billing/docker-compose.yml': compose('"${ADMIN_PORT:-5003}:80"') },
    },
  ],
  invalid: [
    {
      name: 'the template lacks the variable: the fix appends the registered port',
      registry,
      files: { 'billing/.env.example': 'API_PORT=5001\n', 'billing/docker-compose.yml': compose('"${ADMIN_PORT:-5009}:80"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 24,
          endLine: 4,
          endColumn: 28,
          severity: 'warning',
          message: notListed('ADMIN_PORT', 'billing/.env.example'),
        },
      ],
      output: { 'billing/.env.example': 'API_PORT=5001\nADMIN_PORT=5003\n' },
    },
    {
      name: 'no registry entry: the compose default is written, after a line break the template lacks',
      registry,
      files: { 'billing/.env.example': 'API_PORT=5001', 'billing/docker-compose.yml': compose('"${DEBUG_PORT:-5029}:9229"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 24,
          endLine: 4,
          endColumn: 28,
          severity: 'warning',
          message: notListed('DEBUG_PORT', 'billing/.env.example'),
        },
      ],
      output: { 'billing/.env.example': 'API_PORT=5001\nDEBUG_PORT=5029\n' },
    },
    {
      name: 'no value to write: no fix',
      registry,
      files: { 'billing/.env.example': 'API_PORT=5001\n', 'billing/docker-compose.yml': compose('"${DEBUG_PORT}:9229"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 23,
          severity: 'warning',
          message: notListed('DEBUG_PORT', 'billing/.env.example'),
        },
      ],
    },
    {
      name: 'no template in the folder: no fix',
      registry,
      files: { 'billing/docker-compose.yml': compose('"${ADMIN_PORT:-5003}:80"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 24,
          endLine: 4,
          endColumn: 28,
          severity: 'warning',
          message: 'ADMIN_PORT is used here but no env template in billing documents it',
        },
      ],
    },
    {
      name: 'no template at the root',
      registry,
      files: { 'docker-compose.yml': compose('"${ADMIN_PORT:-5003}:80"') },
      errors: [
        {
          file: 'docker-compose.yml',
          line: 4,
          column: 24,
          endLine: 4,
          endColumn: 28,
          severity: 'warning',
          message: 'ADMIN_PORT is used here but no env template in this folder documents it',
        },
      ],
    },
    {
      name: 'once per folder and variable, on its first use',
      registry,
      files: { 'billing/.env.example': 'API_PORT=5001\n', 'billing/docker-compose.yml': compose('"${ADMIN_PORT:-5003}:80"', '"${ADMIN_PORT:-5003}:81"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 24,
          endLine: 4,
          endColumn: 28,
          severity: 'warning',
          message: notListed('ADMIN_PORT', 'billing/.env.example'),
        },
      ],
      output: { 'billing/.env.example': 'API_PORT=5001\nADMIN_PORT=5003\n' },
    },
    {
      name: 'a container port alone, from a variable',
      registry,
      files: { 'billing/.env.example': 'API_PORT=5001\n', 'billing/docker-compose.yml': compose('"${ADMIN_TARGET:-9000}"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 26,
          endLine: 4,
          endColumn: 30,
          severity: 'warning',
          message: notListed('ADMIN_TARGET', 'billing/.env.example'),
        },
      ],
      output: { 'billing/.env.example': 'API_PORT=5001\nADMIN_TARGET=9000\n' },
    },
  ],
});

// Variables on the container side of a mapping are checked too, as the page says (the compose
// parser gives the container side its own fact when a variable fills it).
it('env-undocumented: a variable on the container side of a mapping is checked', async () => {
  const { findings } = await lintCase(['env-undocumented'], {
    registry,
    files: { 'billing/.env.example': 'API_PORT=5001\n', 'billing/docker-compose.yml': compose('"5004:${ADMIN_TARGET:-9000}"') },
  });
  expect(findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`)).toEqual([
    `billing/docker-compose.yml:4:31 ${notListed('ADMIN_TARGET', 'billing/.env.example')}`,
  ]);
});

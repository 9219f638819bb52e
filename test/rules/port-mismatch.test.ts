import { ruleTester } from '../helpers/rule-tester.js';

const registry = (services: object) => ({
  version: 1,
  projects: { billing: { range: { from: 5000, to: 5099 }, path: 'billing', services } },
});
// billing/postgres's "port" value is at 12:19 of this registry (JSON.stringify with two spaces).
const postgres = registry({ postgres: { port: 5032, purpose: 'Main database', containerPort: 5432, env: 'DATABASE_PORT' } });
// Two registry services on one compose service "app", told apart by containerPort.
const app = registry({
  api: { port: 5001, purpose: 'REST API', composeService: 'app', containerPort: 8080 },
  admin: { port: 5002, purpose: 'Admin UI', composeService: 'app', containerPort: 9000 },
});
const compose = (service: string, ...entries: string[]) => `services:\n  ${service}:\n    ports:\n${entries.map((e) => `      - ${e}\n`).join('')}`;
const mismatch = (service: string, registered: number, given: string) =>
  `service "${service}" of project "billing" is registered on port ${registered}, but billing/docker-compose.yml gives it ${given}`;

ruleTester.run('port-mismatch', {
  valid: [
    { name: 'the registered port', registry: postgres, files: { 'billing/docker-compose.yml': compose('postgres', '"5032:5432"') } },
    {
      name: "a port written with a variable is env-drift's",
      registry: postgres,
      files: { 'billing/docker-compose.yml': compose('postgres', '"${DATABASE_PORT:-5033}:5432"') },
    },
    { name: 'a compose service the registry does not know', registry: postgres, files: { 'billing/docker-compose.yml': compose('cache', '"5050:6379"') } },
    {
      name: 'a compose service named by composeService',
      registry: registry({ db: { port: 5032, purpose: 'Main database', composeService: 'postgres' } }),
      files: { 'billing/docker-compose.yml': compose('postgres', '"5032:5432"') },
    },
    {
      name: 'two registry services on one compose service, each by its containerPort',
      registry: app,
      files: { 'billing/docker-compose.yml': compose('app', '"5001:8080"', '"5002:9000"') },
    },
    { name: 'a file of no project', registry: postgres, files: { 'tools/docker-compose.yml': compose('postgres', '"5033:5432"') } },
  ],
  invalid: [
    {
      name: 'another port than the registered one: the fix writes the registered port',
      registry: postgres,
      files: { 'billing/docker-compose.yml': compose('postgres', '"5033:5432"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 14,
          severity: 'error',
          message: mismatch('postgres', 5032, '5033'),
          related: [{ file: 'ports.registry.json', line: 12, column: 19, message: 'registered port of billing/postgres' }],
        },
      ],
      output: { 'billing/docker-compose.yml': compose('postgres', '"5032:5432"') },
    },
    {
      name: 'a compose service named by composeService',
      registry: registry({ db: { port: 5032, purpose: 'Main database', composeService: 'postgres' } }),
      files: { 'billing/docker-compose.yml': compose('postgres', '"5033:5432"') },
      errors: [
        { file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'error', message: mismatch('db', 5032, '5033') },
      ],
      output: { 'billing/docker-compose.yml': compose('postgres', '"5032:5432"') },
    },
    {
      name: 'the entry is matched to its registry service by containerPort',
      registry: app,
      files: { 'billing/docker-compose.yml': compose('app', '"5001:8080"', '"5003:9000"') },
      errors: [
        { file: 'billing/docker-compose.yml', line: 5, column: 10, endLine: 5, endColumn: 14, severity: 'error', message: mismatch('admin', 5002, '5003') },
      ],
      output: { 'billing/docker-compose.yml': compose('app', '"5001:8080"', '"5002:9000"') },
    },
    {
      name: 'with a host IP, only the port digits change',
      registry: postgres,
      files: { 'billing/docker-compose.yml': compose('postgres', '"127.0.0.1:5033:5432"') },
      errors: [
        { file: 'billing/docker-compose.yml', line: 4, column: 20, endLine: 4, endColumn: 24, severity: 'error', message: mismatch('postgres', 5032, '5033') },
      ],
      output: { 'billing/docker-compose.yml': compose('postgres', '"127.0.0.1:5032:5432"') },
    },
    {
      name: 'the long syntax',
      registry: postgres,
      files: { 'billing/docker-compose.yml': 'services:\n  postgres:\n    ports:\n      - target: 5432\n        published: 5033\n' },
      errors: [
        { file: 'billing/docker-compose.yml', line: 5, column: 20, endLine: 5, endColumn: 24, severity: 'error', message: mismatch('postgres', 5032, '5033') },
      ],
      output: { 'billing/docker-compose.yml': 'services:\n  postgres:\n    ports:\n      - target: 5432\n        published: 5032\n' },
    },
    {
      name: 'a port range has no fix',
      registry: postgres,
      files: { 'billing/docker-compose.yml': compose('postgres', '"5033-5034:5432-5433"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 19,
          severity: 'error',
          message: mismatch('postgres', 5032, '5033-5034'),
        },
      ],
    },
  ],
});

import { ruleTester } from '../helpers/rule-tester.js';

const registry = (services: object) => ({
  version: 1,
  projects: { billing: { range: { from: 5000, to: 5099 }, path: 'billing', services } },
});
const postgres = registry({ postgres: { port: 5032, purpose: 'Main database', containerPort: 5432 } });
const compose = (entry: string) => `services:\n  postgres:\n    ports:\n      - ${entry}\n`;

ruleTester.run('port-mismatch', {
  valid: [
    { name: 'the registered port', registry: postgres, files: { 'billing/docker-compose.yml': compose('"5032:5432"') } },
  ],
  invalid: [
    {
      name: 'another port than the registered one: the fix writes the registered port',
      registry: postgres,
      files: { 'billing/docker-compose.yml': compose('"5033:5432"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 14,
          severity: 'error',
          message: 'service "postgres" of project "billing" is registered on port 5032, but billing/docker-compose.yml gives it 5033',
          related: [{ file: 'ports.registry.json', line: 8, column: 31, message: 'registered port of billing/postgres' }],
        },
      ],
      output: { 'billing/docker-compose.yml': compose('"5032:5432"') },
    },
  ],
});

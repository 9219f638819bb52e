import { ruleTester } from '../helpers/rule-tester.js';

// The range's "{" is at 5:16 of this registry (JSON.stringify with two spaces).
const registry = {
  version: 1,
  projects: {
    billing: {
      range: { from: 5000, to: 5099 },
      path: 'billing',
      services: { api: { port: 5001, purpose: 'REST API', env: 'API_PORT' } },
    },
  },
};
const related = [{ file: 'ports.registry.json', line: 5, column: 16, message: 'range of project "billing"' }];
const compose = (...entries: string[]) => `services:\n  admin:\n    ports:\n${entries.map((e) => `      - ${e}\n`).join('')}`;
const outside = (port: string) => `port ${port} is outside the range 5000-5099 of project "billing"`;

ruleTester.run('port-out-of-range', {
  valid: [
    { name: 'a port inside the range', registry, files: { 'billing/docker-compose.yml': compose('"5001:8080"') } },
    { name: 'a port range inside the range, at its last port', registry, files: { 'billing/docker-compose.yml': compose('"5097-5099:8000-8002"') } },
    { name: 'a container port alone is no host port', registry, files: { 'billing/docker-compose.yml': compose('"8080"') } },
    { name: 'a file of no project is not judged', registry, files: { 'tools/docker-compose.yml': compose('"6001:80"') } },
    { name: 'a README mention is no host port', registry, files: { 'billing/README.md': '# Billing\n\nThe admin UI is at http://localhost:6001.\n' } },
  ],
  invalid: [
    {
      name: 'a published port outside the range',
      registry,
      files: { 'billing/docker-compose.yml': compose('"6001:80"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'error', message: outside('6001'), related }],
    },
    {
      name: 'a port range that runs past the end of the range',
      registry,
      files: { 'billing/docker-compose.yml': compose('"5098-5100:8000-8002"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 19, severity: 'error', message: outside('5098-5100') }],
    },
    {
      name: 'a port just below the range, with a host IP',
      registry,
      files: { 'billing/docker-compose.yml': compose('"127.0.0.1:4999:80"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 20, endLine: 4, endColumn: 24, severity: 'error', message: outside('4999') }],
    },
    {
      name: 'the long syntax',
      registry,
      files: { 'billing/docker-compose.yml': 'services:\n  admin:\n    ports:\n      - target: 80\n        published: 6001\n' },
      errors: [{ file: 'billing/docker-compose.yml', line: 5, column: 20, endLine: 5, endColumn: 24, severity: 'error', message: outside('6001') }],
    },
    {
      name: 'an env template value',
      registry,
      files: { 'billing/.env.example': 'API_PORT=5001\nADMIN_PORT=6001\n' },
      errors: [{ file: 'billing/.env.example', line: 2, column: 12, endLine: 2, endColumn: 16, severity: 'error', message: outside('6001') }],
    },
    {
      name: 'a project without a path owns the folder named like it',
      registry: { ...registry, projects: { billing: { ...registry.projects.billing, path: undefined } } },
      files: { 'services/billing/docker-compose.yml': compose('"6001:80"') },
      errors: [{ file: 'services/billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'error', message: outside('6001') }],
    },
    {
      name: 'set to "warn" in the config: a warning',
      registry,
      config: { rules: { 'port-out-of-range': 'warn' } },
      files: { 'billing/docker-compose.yml': compose('"6001:80"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'warning', message: outside('6001') }],
    },
  ],
});

import { ruleTester } from '../helpers/rule-tester.js';

// billing/worker's "port" value is at 17:19-17:23 of this registry (JSON.stringify with two spaces).
const registry = {
  version: 1,
  projects: {
    billing: {
      range: { from: 5000, to: 5099 },
      path: 'billing',
      services: {
        api: { port: 5001, purpose: 'REST API', env: 'API_PORT' },
        worker: { port: 5040, purpose: 'Worker', containerPort: 9000 },
      },
    },
    web: { range: { from: 5100, to: 5199 }, path: 'web', services: { site: { port: 5100, purpose: 'Public site' } } },
  },
};
const api = 'services:\n  api:\n    ports:\n      - "5001:8080"\n';
const unused = (what: string) =>
  `service "worker" of project "billing" holds port 5040, but no ${what} of the project uses it: release it (portreg release --project billing --service worker) or use it`;
const at = { file: 'ports.registry.json', line: 17, column: 19, endLine: 17, endColumn: 23, severity: 'warning' as const };

ruleTester.run('registry-unused', {
  valid: [
    { name: 'every service is published', registry, files: { 'billing/docker-compose.yml': `${api}  worker:\n    ports:\n      - "5040:9000"\n` } },
    {
      name: 'a service used through its env variable in the template',
      registry,
      files: { 'billing/.env.example': 'API_PORT=5001\n', 'billing/docker-compose.yml': 'services:\n  worker:\n    ports:\n      - "5040:9000"\n' },
    },
    { name: 'a service exposed on its containerPort', registry, files: { 'billing/docker-compose.yml': `${api}  worker:\n    expose:\n      - "9000"\n` } },
    {
      name: 'a project none of whose files are in the tree (web) is not judged',
      registry,
      files: { 'billing/docker-compose.yml': `${api}  worker:\n    ports:\n      - "5040:9000"\n` },
    },
    { name: 'a project with a file that does not parse is not judged', registry, files: { 'billing/docker-compose.yml': `${api}  worker: [\n` } },
    {
      name: 'skipped when only some files are linted (scope fleet)',
      registry,
      lint: { paths: ['billing/docker-compose.yml'] },
      files: { 'billing/docker-compose.yml': api },
    },
  ],
  invalid: [
    {
      name: 'a registered service no config uses, placed on its port in the registry',
      registry,
      files: { 'billing/docker-compose.yml': api },
      errors: [{ ...at, message: unused('compose file or env template') }],
    },
    {
      name: 'a README mention does not count as a use',
      registry,
      files: { 'billing/docker-compose.yml': api, 'billing/README.md': '# Billing\n\nThe worker listens on http://localhost:5040.\n' },
      errors: [{ ...at, message: unused('compose file or env template') }],
    },
    {
      name: 'with code scanning, the message names code too',
      registry,
      config: { code: true },
      files: { 'billing/docker-compose.yml': api, 'billing/src/main.ts': 'export const name = "billing";\n' },
      errors: [{ ...at, message: unused('compose file, env template or code') }],
    },
    {
      name: 'an env template only: services without a value there are unused',
      registry,
      files: { 'billing/.env.example': 'API_PORT=5001\n' },
      errors: [{ ...at, message: unused('compose file or env template') }],
    },
  ],
});

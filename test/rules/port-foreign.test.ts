import { ruleTester } from '../helpers/rule-tester.js';

// web/site's "port" value is at 26:19 of this registry (JSON.stringify with two spaces).
const registry = {
  version: 1,
  projects: {
    billing: { range: { from: 5000, to: 5099 }, path: 'billing', services: { api: { port: 5001, purpose: 'REST API', env: 'API_PORT' } } },
    web: { range: { from: 5100, to: 5199 }, path: 'web', services: { site: { port: 5100, purpose: 'Public site' } } },
  },
};
const compose = (entry: string) => `services:\n  admin:\n    ports:\n      - ${entry}\n`;
const message = 'port 5100 is registered to service "site" of project "web", not to project "billing"';

ruleTester.run('port-foreign', {
  valid: [
    { name: "the project's own port", registry, files: { 'billing/docker-compose.yml': compose('"5001:8080"') } },
    { name: 'the owner publishes it', registry, files: { 'web/docker-compose.yml': compose('"5100:80"') } },
    {
      name: "a URL to another project's port is a reference",
      registry,
      files: { 'billing/docker-compose.yml': 'services:\n  api:\n    environment:\n      SITE_URL: http://localhost:5100\n' },
    },
    {
      name: "an env value of another project's port under a variable of no service of the project is a reference to it",
      registry,
      files: { 'billing/.env.example': 'SITE_PORT=5100\n' },
    },
    { name: 'the same number for another protocol', registry, files: { 'billing/docker-compose.yml': compose('"5100:80/udp"') } },
    { name: 'a file of no project is not judged', registry, files: { 'tools/docker-compose.yml': compose('"5100:80"') } },
  ],
  invalid: [
    {
      name: "a published port of another project, pointing at the owner's entry",
      registry,
      files: { 'billing/docker-compose.yml': compose('"5100:80"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 14,
          severity: 'error',
          message,
          related: [{ file: 'ports.registry.json', line: 26, column: 19, message: 'registered to web/site' }],
        },
      ],
    },
    {
      name: "the env template gives a variable of the project's service another project's port",
      registry,
      files: { 'billing/.env.example': 'API_PORT=5100\n' },
      errors: [{ file: 'billing/.env.example', line: 1, column: 10, endLine: 1, endColumn: 14, severity: 'error', message }],
    },
    {
      name: 'a port range: the first port registered elsewhere is named',
      registry,
      files: { 'billing/docker-compose.yml': compose('"5099-5101:80-82"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 19, severity: 'error', message }],
    },
    {
      name: 'with --changed-since, only the files changed since the revision are reported on',
      registry,
      git: true,
      files: { 'billing/docker-compose.yml': compose('"5001:8080"'), 'web/docker-compose.yml': compose('"5001:80"') },
      setup: (s) => s.write('billing/docker-compose.yml', compose('"5100:80"')),
      lint: { changedSince: 'HEAD' },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'error', message }],
    },
    {
      name: 'reported on a partial lint too (scope file)',
      registry,
      lint: { paths: ['billing/docker-compose.yml'] },
      files: { 'billing/docker-compose.yml': compose('"5100:80"'), 'web/docker-compose.yml': compose('"5001:80"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'error', message }],
    },
  ],
});

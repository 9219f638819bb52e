import { ruleTester } from '../helpers/rule-tester.js';

const registry = {
  version: 1,
  projects: {
    billing: {
      range: { from: 5000, to: 5099 },
      path: 'billing',
      services: { api: { port: 5002, purpose: 'REST API', env: 'API_PORT', history: [{ port: 5001, until: '2026-11-20' }] } },
    },
    web: { range: { from: 5100, to: 5199 }, path: 'web', services: { site: { port: 5100, purpose: 'Public site' } } },
  },
  released: [{ project: 'billing', service: 'metrics', port: 5009, releasedAt: '2026-11-01T00:00:00Z' }],
};
const moved = 'port 5001 was service "api"\'s until it moved to 5002: update the mention';
const readme = (line: string) => `# Billing\n\n${line}\n`;

ruleTester.run('docs-stale', {
  valid: [
    {
      name: 'the README names the port the service has now',
      registry,
      files: { 'billing/README.md': readme('The API answers on http://localhost:5002/health.') },
    },
    {
      name: "another project's README naming the old port is reference-stale's",
      registry,
      files: { 'web/README.md': '# Web\n\nThe billing API answers on http://localhost:5001/health.\n' },
    },
    { name: "an env value of the service's variable is env-drift's", registry, files: { 'billing/.env.example': 'API_PORT=5001\n' } },
    {
      name: 'a URL whose host is a compose service names a container port',
      registry,
      files: { 'billing/docker-compose.yml': 'services:\n  api:\n    environment:\n      SELF_URL: http://api:5001/health\n' },
    },
    {
      name: 'a generated region is skipped',
      registry,
      files: { 'billing/README.md': '# Billing\n\n<!-- portreg:start -->\nThe API answers on http://localhost:5001/health.\n<!-- portreg:end -->\n' },
    },
  ],
  invalid: [
    {
      name: 'a README URL with the port the service moved away from: the fix writes its port now',
      registry,
      files: { 'billing/README.md': readme('The API answers on http://localhost:5001/health.') },
      errors: [{ file: 'billing/README.md', line: 3, column: 37, endLine: 3, endColumn: 41, severity: 'warning', message: moved }],
      output: { 'billing/README.md': readme('The API answers on http://localhost:5002/health.') },
    },
    {
      name: 'the port of a released service: no fix',
      registry,
      files: { 'billing/README.md': readme('See http://localhost:5009/metrics.') },
      errors: [
        {
          file: 'billing/README.md',
          line: 3,
          column: 22,
          endLine: 3,
          endColumn: 26,
          severity: 'warning',
          message: 'port 5009 was service "metrics"\'s, which was released: remove or update the mention',
        },
      ],
    },
    {
      name: "a URL in a compose service's environment",
      registry,
      files: { 'billing/docker-compose.yml': 'services:\n  worker:\n    environment:\n      API_URL: http://localhost:5001\n' },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 33, endLine: 4, endColumn: 37, severity: 'warning', message: moved }],
      output: { 'billing/docker-compose.yml': 'services:\n  worker:\n    environment:\n      API_URL: http://localhost:5002\n' },
    },
    {
      name: 'a URL in an env template',
      registry,
      files: { 'billing/.env.example': 'API_PORT=5002\nAPI_URL=http://localhost:5001/v1\n' },
      errors: [{ file: 'billing/.env.example', line: 2, column: 26, endLine: 2, endColumn: 30, severity: 'warning', message: moved }],
      output: { 'billing/.env.example': 'API_PORT=5002\nAPI_URL=http://localhost:5002/v1\n' },
    },
    {
      name: 'set to "error" in the config',
      registry,
      config: { rules: { 'docs-stale': 'error' } },
      files: { 'billing/README.md': readme('Try `curl localhost:5001/health`.') },
      errors: [{ file: 'billing/README.md', line: 3, column: 21, endLine: 3, endColumn: 25, severity: 'error', message: moved }],
      output: { 'billing/README.md': readme('Try `curl localhost:5002/health`.') },
    },
  ],
});

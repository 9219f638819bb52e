import { ruleTester } from '../helpers/rule-tester.js';

// billing/api's "port" value is at 12:19 of this registry (JSON.stringify with two spaces).
const registry = {
  version: 1,
  projects: {
    billing: {
      range: { from: 5000, to: 5099 },
      path: 'billing',
      services: {
        api: {
          port: 5002,
          purpose: 'REST API',
          history: [
            { port: 5001, until: '2026-11-20' },
            { port: 5105, until: '2026-10-01' },
          ],
        },
      },
    },
    web: {
      range: { from: 5100, to: 5199 },
      path: 'web',
      services: { site: { port: 5100, purpose: 'Public site' }, admin: { port: 5105, purpose: 'Admin UI' } },
    },
  },
  released: [{ project: 'billing', service: 'metrics', port: 5009, releasedAt: '2026-11-01T00:00:00Z' }],
};
const moved = 'refers to service "api" of project "billing" on port 5001, but it moved to 5002';
const compose = (url: string) => `services:\n  site:\n    ports:\n      - "5100:3000"\n    environment:\n      API_URL: ${url}\n`;

ruleTester.run('reference-stale', {
  valid: [
    { name: 'a reference to the port the service has now', registry, files: { 'web/compose.yaml': compose('http://localhost:5002') } },
    { name: "the project's own old port is docs-stale's", registry, files: { 'billing/README.md': '# Billing\n\nhttp://localhost:5001/health\n' } },
    {
      name: 'a port another service owns now is a reference to that one',
      registry,
      files: { 'web/README.md': '# Web\n\nThe admin UI: http://localhost:5105.\n' },
    },
    {
      name: 'skipped when only some files are linted (scope fleet)',
      registry,
      lint: { paths: ['web/compose.yaml'] },
      files: { 'web/compose.yaml': compose('http://localhost:5001') },
    },
  ],
  invalid: [
    {
      name: "a URL to another project's service that moved: the fix writes its port now",
      registry,
      files: { 'web/compose.yaml': compose('http://localhost:5001') },
      errors: [
        {
          file: 'web/compose.yaml',
          line: 6,
          column: 33,
          endLine: 6,
          endColumn: 37,
          severity: 'warning',
          message: moved,
          related: [{ file: 'ports.registry.json', line: 12, column: 19, message: 'billing/api now' }],
        },
      ],
      output: { 'web/compose.yaml': compose('http://localhost:5002') },
    },
    {
      name: 'a released service: no fix, nothing related',
      registry,
      files: { 'web/README.md': '# Web\n\nMetrics: http://localhost:5009/metrics\n' },
      errors: [
        {
          file: 'web/README.md',
          line: 3,
          column: 27,
          endLine: 3,
          endColumn: 31,
          severity: 'warning',
          message: 'refers to service "metrics" of project "billing" on port 5009, but that service was released',
          related: [],
        },
      ],
    },
    {
      name: "an env template value of another project's old port",
      registry,
      files: { 'web/.env.example': 'BILLING_API_PORT=5001\n' },
      errors: [{ file: 'web/.env.example', line: 1, column: 18, endLine: 1, endColumn: 22, severity: 'warning', message: moved }],
      output: { 'web/.env.example': 'BILLING_API_PORT=5002\n' },
    },
    {
      name: 'a README of no project',
      registry,
      files: { 'docs/README.md': '# Docs\n\nThe billing API: http://localhost:5001/.\n' },
      errors: [{ file: 'docs/README.md', line: 3, column: 35, endLine: 3, endColumn: 39, severity: 'warning', message: moved }],
      output: { 'docs/README.md': '# Docs\n\nThe billing API: http://localhost:5002/.\n' },
    },
  ],
});

import { ruleTester } from '../helpers/rule-tester.js';

// reserved[0] starts at 4:5 of this registry (JSON.stringify with two spaces).
const registry = {
  version: 1,
  reserved: [
    { range: { from: 3000, to: 3099 }, reason: 'Legacy/shared ports', severity: 'warning' },
    { port: 5000, reason: 'macOS AirPlay receiver', severity: 'warning' },
    { range: { from: 4000, to: 4009 }, reason: 'Old monitoring', severity: 'warning', owner: 'billing' },
    { range: { from: 8000, to: 8099 }, reason: 'Supervisor infrastructure' },
  ],
  projects: {
    billing: { range: { from: 5000, to: 5099 }, path: 'billing', services: { api: { port: 5001, purpose: 'REST API', env: 'API_PORT' } } },
  },
};
const compose = (entry: string) => `services:\n  old:\n    ports:\n      - ${entry}\n`;
const avoid = (port: string) => `port ${port} is in a range to avoid: Legacy/shared ports (3000-3099)`;

ruleTester.run('port-legacy', {
  valid: [
    { name: 'a port of no reservation', registry, files: { 'billing/docker-compose.yml': compose('"5001:8080"') } },
    {
      name: 'a warning reservation made only of ports port-unsafe knows is left to it',
      registry,
      files: { 'billing/docker-compose.yml': compose('"5000:80"') },
    },
    { name: "the reservation's owner uses it", registry, files: { 'billing/docker-compose.yml': compose('"4001:80"') } },
    { name: "a reservation with severity error is port-reserved's", registry, files: { 'billing/docker-compose.yml': compose('"8001:80"') } },
    { name: 'the container side is no host port', registry, files: { 'billing/docker-compose.yml': compose('"5001:3000"') } },
  ],
  invalid: [
    {
      name: 'a published port in a range to avoid, pointing at the reservation',
      registry,
      files: { 'billing/docker-compose.yml': compose('"3001:80"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 14,
          severity: 'warning',
          message: avoid('3001'),
          related: [{ file: 'ports.registry.json', line: 4, column: 5, message: 'reservation: Legacy/shared ports' }],
        },
      ],
    },
    {
      name: "another project may not use the owner's reservation; a file of no project is judged too",
      registry,
      files: { 'tools/docker-compose.yml': compose('"4001:80"') },
      errors: [
        {
          file: 'tools/docker-compose.yml',
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 14,
          severity: 'warning',
          message: 'port 4001 is in a range to avoid: Old monitoring (4000-4009)',
        },
      ],
    },
    {
      name: 'a port range that reaches into the range to avoid',
      registry,
      files: { 'billing/docker-compose.yml': compose('"2998-3001:80-83"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 19, severity: 'warning', message: avoid('2998-3001') }],
    },
    {
      name: 'an env template value',
      registry,
      files: { 'billing/.env.example': 'OLD_PORT=3050\n' },
      errors: [{ file: 'billing/.env.example', line: 1, column: 10, endLine: 1, endColumn: 14, severity: 'warning', message: avoid('3050') }],
    },
    {
      name: 'set to "error" in the config',
      registry,
      config: { rules: { 'port-legacy': 'error' } },
      files: { 'billing/docker-compose.yml': compose('"3001:80"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'error', message: avoid('3001') }],
    },
  ],
});

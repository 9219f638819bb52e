import { ruleTester } from '../helpers/rule-tester.js';

const registry = {
  version: 1,
  projects: {
    billing: { range: { from: 5000, to: 5099 }, path: 'billing', services: { api: { port: 5001, purpose: 'REST API', env: 'API_PORT' } } },
  },
};
const compose = (entry: string) => `services:\n  web:\n    ports:\n      - ${entry}\n`;
const below = (port: string) => `port ${port} is below 1024: binding it needs root or CAP_NET_BIND_SERVICE`;

ruleTester.run('port-privileged', {
  valid: [
    { name: 'port 1024, the first unprivileged one', registry, files: { 'billing/docker-compose.yml': compose('"1024:80"') } },
    { name: 'a low container port behind a high host port', registry, files: { 'billing/docker-compose.yml': compose('"5001:80"') } },
    { name: 'a container port alone', registry, files: { 'billing/docker-compose.yml': compose('"80"') } },
    { name: 'a README mention', registry, files: { 'billing/README.md': '# Billing\n\nOpen http://localhost:80/.\n' } },
  ],
  invalid: [
    {
      name: 'port 80 in a file of no project',
      registry,
      files: { 'tools/docker-compose.yml': compose('"80:80"') },
      errors: [{ file: 'tools/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 12, severity: 'warning', message: below('80') }],
    },
    {
      name: 'port 1023, the last privileged one, with a host IP',
      registry,
      files: { 'billing/docker-compose.yml': compose('"127.0.0.1:1023:80"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 20, endLine: 4, endColumn: 24, severity: 'warning', message: below('1023') }],
    },
    {
      name: 'a port range: its first port counts',
      registry,
      files: { 'billing/docker-compose.yml': compose('"1020-1030:80-90"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 19, severity: 'warning', message: below('1020-1030') }],
    },
    {
      name: 'an env template value',
      registry,
      files: { 'billing/.env.example': 'HTTPS_PORT=443\n' },
      errors: [{ file: 'billing/.env.example', line: 1, column: 12, endLine: 1, endColumn: 15, severity: 'warning', message: below('443') }],
    },
    {
      name: 'set to "error" in the config',
      registry,
      config: { rules: { 'port-privileged': 'error' } },
      files: { 'tools/docker-compose.yml': compose('"80:80"') },
      errors: [{ file: 'tools/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 12, severity: 'error', message: below('80') }],
    },
  ],
});

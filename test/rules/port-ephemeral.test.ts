import { ruleTester } from '../helpers/rule-tester.js';

const registry = {
  version: 1,
  projects: {
    billing: { range: { from: 5000, to: 5099 }, path: 'billing', services: { api: { port: 5001, purpose: 'REST API', env: 'API_PORT' } } },
  },
};
const compose = (entry: string) => `services:\n  debug:\n    ports:\n      - ${entry}\n`;
const ephemeral = (port: string) => `port ${port} is in the ephemeral range 32768-60999: an outgoing connection may hold it when the service starts`;

ruleTester.run('port-ephemeral', {
  valid: [
    { name: 'port 32767, just below the range', registry, files: { 'billing/docker-compose.yml': compose('"32767:9229"') } },
    { name: 'port 61000, just above the range', registry, files: { 'billing/docker-compose.yml': compose('"61000:9229"') } },
    { name: 'an ephemeral container port behind a project port', registry, files: { 'billing/docker-compose.yml': compose('"5001:40000"') } },
    { name: 'a port range that ends below the range', registry, files: { 'billing/docker-compose.yml': compose('"32760-32767:9000-9007"') } },
    { name: 'a README mention', registry, files: { 'billing/README.md': '# Billing\n\nAttach to localhost:40000.\n' } },
  ],
  invalid: [
    {
      name: 'a published port in the range, in a file of no project',
      registry,
      files: { 'tools/docker-compose.yml': compose('"40000:9229"') },
      errors: [{ file: 'tools/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 15, severity: 'warning', message: ephemeral('40000') }],
    },
    {
      name: 'the first and the last port of the range',
      registry,
      files: { 'billing/docker-compose.yml': 'services:\n  debug:\n    ports:\n      - "32768:9229"\n      - "60999:9230"\n' },
      errors: [
        { file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 15, severity: 'warning', message: ephemeral('32768') },
        { file: 'billing/docker-compose.yml', line: 5, column: 10, endLine: 5, endColumn: 15, severity: 'warning', message: ephemeral('60999') },
      ],
    },
    {
      name: 'a port range that overlaps the start of the range',
      registry,
      files: { 'billing/docker-compose.yml': compose('"32760-32770:9000-9010"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 21, severity: 'warning', message: ephemeral('32760-32770') }],
    },
    {
      name: 'an env template value',
      registry,
      files: { 'billing/.env.example': 'DEBUG_PORT=49152\n' },
      errors: [{ file: 'billing/.env.example', line: 1, column: 12, endLine: 1, endColumn: 17, severity: 'warning', message: ephemeral('49152') }],
    },
  ],
});

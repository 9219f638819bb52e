import { ruleTester } from '../helpers/rule-tester.js';

const registry = {
  version: 1,
  projects: {
    billing: { range: { from: 5000, to: 5099 }, path: 'billing', services: { api: { port: 5000, purpose: 'REST API', env: 'API_PORT' } } },
  },
};
const compose = (entry: string) => `services:\n  api:\n    ports:\n      - ${entry}\n`;
const airplay = (port: number) => `port ${port} is one to avoid: the macOS AirPlay receiver holds it`;
const browsers = (port: number) => `port ${port} is one to avoid: browsers refuse to connect to it`;

ruleTester.run('port-unsafe', {
  valid: [
    { name: 'a safe port', registry, files: { 'billing/docker-compose.yml': compose('"5001:8080"') } },
    { name: 'an unsafe container port behind a safe host port', registry, files: { 'billing/docker-compose.yml': compose('"5001:5000"') } },
    { name: 'a port range with no unsafe port', registry, files: { 'billing/docker-compose.yml': compose('"5062-5064:80-82"') } },
    { name: 'a README mention', registry, files: { 'billing/README.md': '# Billing\n\nThe API is at http://localhost:5000.\n' } },
  ],
  invalid: [
    {
      name: 'the AirPlay port, even though the registry gives it to the service',
      registry,
      files: { 'billing/docker-compose.yml': compose('"5000:8080"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'warning', message: airplay(5000) }],
    },
    {
      name: 'a port browsers refuse, in a file of no project',
      registry,
      files: { 'tools/docker-compose.yml': compose('"6000:6000"') },
      errors: [{ file: 'tools/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'warning', message: browsers(6000) }],
    },
    {
      name: 'a port range: its first unsafe port is named, on the whole range',
      registry,
      files: { 'billing/docker-compose.yml': compose('"5058-5062:80-84"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 19, severity: 'warning', message: browsers(5060) }],
    },
    {
      name: 'an env template value',
      registry,
      files: { 'billing/.env.example': 'API_PORT=5000\nVIEWER_PORT=7000\n' },
      errors: [
        { file: 'billing/.env.example', line: 1, column: 10, endLine: 1, endColumn: 14, severity: 'warning', message: airplay(5000) },
        { file: 'billing/.env.example', line: 2, column: 13, endLine: 2, endColumn: 17, severity: 'warning', message: airplay(7000) },
      ],
    },
  ],
});

import { ruleTester } from '../helpers/rule-tester.js';

const registry = {
  version: 1,
  projects: {
    billing: {
      range: { from: 5000, to: 5099 },
      path: 'billing',
      services: {
        api: { port: 5001, purpose: 'REST API', env: 'API_PORT' },
        rtp: { port: 5010, purpose: 'Media', protocol: 'udp' },
      },
    },
    web: { range: { from: 5100, to: 5199 }, path: 'web', services: { site: { port: 5100, purpose: 'Public site' } } },
  },
};
const compose = (service: string, entry: string) => `services:\n  ${service}:\n    ports:\n      - ${entry}\n`;
const message = (port: string, service: string) =>
  `port ${port} is not registered for project "billing": ask for a port first (portreg allocate --project billing --service ${service} --purpose "...")`;

ruleTester.run('port-unregistered', {
  valid: [
    { name: 'a registered port', registry, files: { 'billing/docker-compose.yml': compose('api', '"5001:8080"') } },
    { name: 'a registered udp port published as udp', registry, files: { 'billing/docker-compose.yml': compose('media', '"5010:5010/udp"') } },
    { name: 'an env template value that is registered', registry, files: { 'billing/.env.example': 'API_PORT=5001\n' } },
    { name: 'a file of no project is not judged', registry, files: { 'tools/docker-compose.yml': compose('cache', '"5050:6379"') } },
    {
      name: 'a reference to another project is no claim',
      registry,
      files: { 'billing/docker-compose.yml': 'services:\n  api:\n    environment:\n      SITE_URL: http://localhost:5100\n' },
    },
  ],
  invalid: [
    {
      name: 'a published port nobody registered: the compose service is the suggested name',
      registry,
      files: { 'billing/docker-compose.yml': compose('cache', '"5050:6379"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'error', message: message('5050', 'cache') }],
    },
    {
      name: 'an env template value: the variable without _PORT, in lower case, is the suggested name',
      registry,
      files: { 'billing/.env.example': 'API_PORT=5001\nCACHE_PORT=5050\n' },
      errors: [{ file: 'billing/.env.example', line: 2, column: 12, endLine: 2, endColumn: 16, severity: 'error', message: message('5050', 'cache') }],
    },
    {
      name: 'a registered tcp port published as udp',
      registry,
      files: { 'billing/docker-compose.yml': compose('api', '"5001:8080/udp"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'error', message: message('5001', 'api') }],
    },
    {
      name: 'a port range whose first port is registered but not the next one',
      registry,
      files: { 'billing/docker-compose.yml': compose('media', '"5010-5011:5010-5011/udp"') },
      errors: [
        { file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 19, severity: 'error', message: message('5010-5011', 'media') },
      ],
    },
    {
      name: "another project's port is not registered for this one",
      registry,
      files: { 'billing/docker-compose.yml': compose('admin', '"5100:80"') },
      errors: [{ file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'error', message: message('5100', 'admin') }],
    },
  ],
});

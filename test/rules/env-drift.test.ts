import { ruleTester } from '../helpers/rule-tester.js';

// billing/api's "env" value is at 14:18 of this registry (JSON.stringify with two spaces).
const registry = {
  version: 1,
  projects: {
    billing: {
      range: { from: 5000, to: 5099 },
      path: 'billing',
      services: {
        api: { port: 5002, purpose: 'REST API', env: 'API_PORT', history: [{ port: 5001, until: '2026-11-20' }] },
        media: { port: 5010, purpose: 'Media', env: 'MEDIA_PORTS' },
      },
    },
    web: { range: { from: 5100, to: 5199 }, path: 'web', services: {} },
  },
};
const related = [{ file: 'ports.registry.json', line: 14, column: 18, message: 'API_PORT of billing/api' }];
const compose = (entry: string) => `services:\n  api:\n    ports:\n      - "${entry}:8080"\n`;
const registered = (value: number, where: string) => `API_PORT is ${value} in ${where}, but registered as 5002 for service "api" of project "billing"`;

ruleTester.run('env-drift', {
  valid: [
    {
      name: 'the template, the compose default and the registry agree',
      registry,
      files: { 'billing/.env.example': 'API_PORT=5002\n', 'billing/docker-compose.yml': compose('${API_PORT:-5002}') },
    },
    {
      name: 'with no registry entry, the template and the compose default agree',
      registry,
      files: { 'billing/.env.example': 'CACHE_PORT=5050\n', 'billing/docker-compose.yml': compose('${CACHE_PORT:-5050}') },
    },
    {
      name: 'a compose variable without a default',
      registry,
      files: { 'billing/.env.example': 'API_PORT=5002\n', 'billing/docker-compose.yml': compose('${API_PORT}') },
    },
    { name: 'a variable set twice: the last value counts', registry, files: { 'billing/.env.example': 'API_PORT=5001\nAPI_PORT=5002\n' } },
    { name: "another project's folder: the variable is not its service's", registry, files: { 'web/.env.example': 'API_PORT=5001\n' } },
    {
      name: 'with no registry entry, a compose default and a template of another folder',
      registry,
      files: { 'billing/.env.example': 'CACHE_PORT=5051\n', 'billing/cache/docker-compose.yml': compose('${CACHE_PORT:-5050}') },
    },
  ],
  invalid: [
    {
      name: 'the template and the compose default both disagree with the registry: both fixed',
      registry,
      files: { 'billing/.env.example': 'API_PORT=5001\n', 'billing/docker-compose.yml': compose('${API_PORT:-5001}') },
      errors: [
        {
          file: 'billing/.env.example',
          line: 1,
          column: 10,
          endLine: 1,
          endColumn: 14,
          severity: 'error',
          message: registered(5001, 'billing/.env.example'),
          related,
        },
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 22,
          endLine: 4,
          endColumn: 26,
          severity: 'error',
          message: registered(5001, 'the default of billing/docker-compose.yml'),
          related,
        },
      ],
      output: { 'billing/.env.example': 'API_PORT=5002\n', 'billing/docker-compose.yml': compose('${API_PORT:-5002}') },
    },
    {
      name: 'a variable set twice: the last value is the one compared and fixed',
      registry,
      files: { 'billing/.env.example': 'API_PORT=5002\nAPI_PORT=5001\n' },
      errors: [
        { file: 'billing/.env.example', line: 2, column: 10, endLine: 2, endColumn: 14, severity: 'error', message: registered(5001, 'billing/.env.example') },
      ],
      output: { 'billing/.env.example': 'API_PORT=5002\nAPI_PORT=5002\n' },
    },
    {
      name: 'with no registry entry, the compose default and the template disagree: no fix',
      registry,
      files: { 'billing/.env.example': 'CACHE_PORT=5051\n', 'billing/docker-compose.yml': compose('${CACHE_PORT:-5050}') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 24,
          endLine: 4,
          endColumn: 28,
          severity: 'error',
          message: 'CACHE_PORT defaults to 5050 in billing/docker-compose.yml, but billing/.env.example sets it to 5051',
          related: [{ file: 'billing/.env.example', line: 1, column: 12, message: 'CACHE_PORT=5051' }],
        },
      ],
    },
    {
      name: 'a port range value has no fix',
      registry,
      files: { 'billing/.env.example': 'MEDIA_PORTS=5011-5012\n' },
      errors: [
        {
          file: 'billing/.env.example',
          line: 1,
          column: 13,
          endLine: 1,
          endColumn: 22,
          severity: 'error',
          message: 'MEDIA_PORTS is 5011 in billing/.env.example, but registered as 5010 for service "media" of project "billing"',
        },
      ],
    },
    {
      name: 'with code scanning, the fallback in code',
      registry,
      config: { code: true },
      files: { 'billing/src/server.ts': 'const port = Number(process.env.API_PORT) || 5001;\nexport default port;\n' },
      errors: [
        {
          file: 'billing/src/server.ts',
          line: 1,
          column: 46,
          endLine: 1,
          endColumn: 50,
          severity: 'error',
          message: registered(5001, 'the fallback in billing/src/server.ts'),
        },
      ],
      output: { 'billing/src/server.ts': 'const port = Number(process.env.API_PORT) || 5002;\nexport default port;\n' },
    },
  ],
});

import { ruleTester } from '../helpers/rule-tester.js';

const registry = (services: object) => ({
  version: 1,
  projects: { billing: { range: { from: 5000, to: 5099 }, path: 'billing', services } },
});
// billing/postgres's "port" value is at 12:19 of this registry (JSON.stringify with two spaces).
const postgres = registry({ postgres: { port: 5032, purpose: 'Main database', containerPort: 5432, env: 'DATABASE_PORT' } });
// Two registry services on one compose service "app", told apart by containerPort.
const app = registry({
  api: { port: 5001, purpose: 'REST API', composeService: 'app', containerPort: 8080 },
  admin: { port: 5002, purpose: 'Admin UI', composeService: 'app', containerPort: 9000 },
});
const compose = (service: string, ...entries: string[]) => `services:\n  ${service}:\n    ports:\n${entries.map((e) => `      - ${e}\n`).join('')}`;
const mismatch = (service: string, registered: number, given: string) =>
  `service "${service}" of project "billing" is registered on port ${registered}, but billing/docker-compose.yml gives it ${given}`;

ruleTester.run('port-mismatch', {
  valid: [
    { name: 'the registered port', registry: postgres, files: { 'billing/docker-compose.yml': compose('postgres', '"5032:5432"') } },
    {
      name: "a port written with a variable is env-drift's",
      registry: postgres,
      files: { 'billing/docker-compose.yml': compose('postgres', '"${DATABASE_PORT:-5033}:5432"') },
    },
    { name: 'a compose service the registry does not know', registry: postgres, files: { 'billing/docker-compose.yml': compose('cache', '"5050:6379"') } },
    {
      name: 'a compose service named by composeService',
      registry: registry({ db: { port: 5032, purpose: 'Main database', composeService: 'postgres' } }),
      files: { 'billing/docker-compose.yml': compose('postgres', '"5032:5432"') },
    },
    {
      name: 'two registry services on one compose service, each by its containerPort',
      registry: app,
      files: { 'billing/docker-compose.yml': compose('app', '"5001:8080"', '"5002:9000"') },
    },
    { name: 'a file of no project', registry: postgres, files: { 'tools/docker-compose.yml': compose('postgres', '"5033:5432"') } },
  ],
  invalid: [
    {
      name: 'another port than the registered one: the fix writes the registered port',
      registry: postgres,
      files: { 'billing/docker-compose.yml': compose('postgres', '"5033:5432"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 14,
          severity: 'error',
          message: mismatch('postgres', 5032, '5033'),
          related: [{ file: 'ports.registry.json', line: 12, column: 19, message: 'registered port of billing/postgres' }],
        },
      ],
      output: { 'billing/docker-compose.yml': compose('postgres', '"5032:5432"') },
    },
    {
      name: 'a compose service named by composeService',
      registry: registry({ db: { port: 5032, purpose: 'Main database', composeService: 'postgres' } }),
      files: { 'billing/docker-compose.yml': compose('postgres', '"5033:5432"') },
      errors: [
        { file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'error', message: mismatch('db', 5032, '5033') },
      ],
      output: { 'billing/docker-compose.yml': compose('postgres', '"5032:5432"') },
    },
    {
      name: 'the entry is matched to its registry service by containerPort',
      registry: app,
      files: { 'billing/docker-compose.yml': compose('app', '"5001:8080"', '"5003:9000"') },
      errors: [
        { file: 'billing/docker-compose.yml', line: 5, column: 10, endLine: 5, endColumn: 14, severity: 'error', message: mismatch('admin', 5002, '5003') },
      ],
      output: { 'billing/docker-compose.yml': compose('app', '"5001:8080"', '"5002:9000"') },
    },
    {
      name: 'with a host IP, only the port digits change',
      registry: postgres,
      files: { 'billing/docker-compose.yml': compose('postgres', '"127.0.0.1:5033:5432"') },
      errors: [
        { file: 'billing/docker-compose.yml', line: 4, column: 20, endLine: 4, endColumn: 24, severity: 'error', message: mismatch('postgres', 5032, '5033') },
      ],
      output: { 'billing/docker-compose.yml': compose('postgres', '"127.0.0.1:5032:5432"') },
    },
    {
      name: 'the long syntax',
      registry: postgres,
      files: { 'billing/docker-compose.yml': 'services:\n  postgres:\n    ports:\n      - target: 5432\n        published: 5033\n' },
      errors: [
        { file: 'billing/docker-compose.yml', line: 5, column: 20, endLine: 5, endColumn: 24, severity: 'error', message: mismatch('postgres', 5032, '5033') },
      ],
      output: { 'billing/docker-compose.yml': 'services:\n  postgres:\n    ports:\n      - target: 5432\n        published: 5032\n' },
    },
    {
      name: 'a port range has no fix',
      registry: postgres,
      files: { 'billing/docker-compose.yml': compose('postgres', '"5033-5034:5432-5433"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 19,
          severity: 'error',
          message: mismatch('postgres', 5032, '5033-5034'),
        },
      ],
    },
  ],
});

// package.json scripts and dev containers: the service is found by its variable, its port, or the port it moved away from.
const moved = {
  version: 1,
  projects: {
    web: {
      range: { from: 5100, to: 5199 },
      path: 'web',
      services: {
        web: { port: 5101, purpose: 'Vite dev server', history: [{ port: 5173, until: '2026-11-20' }] },
        api: { port: 5102, purpose: 'API', env: 'PORT' },
      },
    },
  },
};
const scripts = (dev: string) => `{\n  "name": "web",\n  "scripts": {\n    "dev": ${JSON.stringify(dev)}\n  }\n}\n`;
const devcontainer = (ports: string) => `{\n  // forwarded to this machine\n  "forwardPorts": [${ports}],\n}\n`;
const webPort = { file: 'ports.registry.json', line: 12, column: 19, message: 'registered port of web/web' };

ruleTester.run('port-mismatch', {
  valid: [
    { name: 'a script on the registered port', registry: moved, files: { 'web/package.json': scripts('vite --port 5101') } },
    { name: 'a forwarded port that is registered', registry: moved, files: { 'web/.devcontainer/devcontainer.json': devcontainer('5101, 5102') } },
    {
      name: "a compose service's container port in forwardPorts",
      registry: moved,
      files: { 'web/.devcontainer/devcontainer.json': devcontainer('"db:5173"') },
    },
    { name: "another tool's --port names the port, it does not bind it", registry: moved, files: { 'web/package.json': scripts('psql --port 5173') } },
    { name: 'a port of no service (port-unregistered says so)', registry: moved, files: { 'web/package.json': scripts('vite --port 5150') } },
  ],
  invalid: [
    {
      name: 'a script still on the port the service moved away from: the fix writes the registered port',
      registry: moved,
      files: { 'web/package.json': scripts('vite --host --port 5173') },
      errors: [
        {
          file: 'web/package.json',
          line: 4,
          column: 32,
          endLine: 4,
          endColumn: 36,
          severity: 'error',
          message: 'service "web" of project "web" is registered on port 5101, but web/package.json gives it 5173',
          related: [webPort],
        },
      ],
      output: { 'web/package.json': scripts('vite --host --port 5101') },
    },
    {
      name: 'PORT= ties a script to the service registered with that variable',
      registry: moved,
      files: { 'web/package.json': scripts('cross-env PORT=3000 node server.js') },
      errors: [
        {
          file: 'web/package.json',
          line: 4,
          column: 28,
          endLine: 4,
          endColumn: 32,
          severity: 'error',
          message: 'service "api" of project "web" is registered on port 5102, but web/package.json gives it 3000',
          related: [{ file: 'ports.registry.json', line: 22, column: 19, message: 'registered port of web/api' }],
        },
      ],
      output: { 'web/package.json': scripts('cross-env PORT=5102 node server.js') },
    },
    {
      name: 'a dev container forwarding the port the service moved away from',
      registry: moved,
      files: { 'web/.devcontainer/devcontainer.json': devcontainer('5173, 5102') },
      errors: [
        {
          file: 'web/.devcontainer/devcontainer.json',
          line: 3,
          column: 20,
          endLine: 3,
          endColumn: 24,
          severity: 'error',
          message: 'service "web" of project "web" is registered on port 5101, but web/.devcontainer/devcontainer.json gives it 5173',
          related: [webPort],
        },
      ],
      output: { 'web/.devcontainer/devcontainer.json': devcontainer('5101, 5102') },
    },
  ],
});

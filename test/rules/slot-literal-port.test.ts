import { ruleTester } from '../helpers/rule-tester.js';

const registry = (slots = true) => ({
  version: 1,
  projects: {
    billing: {
      range: { from: 5000, to: 5099 },
      path: 'billing',
      ...(slots ? { slots: { width: 10 } } : {}),
      services: {
        api: { port: 5001, purpose: 'REST API', env: 'API_PORT', containerPort: 8080 },
        db: { port: 5002, purpose: 'Postgres', env: 'DB_PORT', containerPort: 5432, shared: true },
        admin: { port: 5003, purpose: 'Admin', containerPort: 80 },
      },
    },
  },
});
const compose = (api: string, extra = '') => `services:\n  api:\n    ports:\n      - "${api}:8080"\n${extra}`;
const said = (port: number, suggestion: string) =>
  `host port ${port} is written as a number, but project "billing" has slots: every checkout would publish it and the second one fails to start; write ${suggestion}, which portreg env sets per checkout`;

ruleTester.run('slot-literal-port', {
  valid: [
    {
      name: 'a host port through its variable moves with the slot',
      registry: registry(),
      files: { 'billing/docker-compose.yml': compose('${API_PORT:-5001}') },
    },
    { name: 'a project without slots may write numbers', registry: registry(false), files: { 'billing/docker-compose.yml': compose('5001') } },
    {
      name: 'a shared service keeps its port in every slot',
      registry: registry(),
      files: { 'billing/docker-compose.yml': compose('${API_PORT:-5001}', '  db:\n    ports:\n      - "5002:5432"\n') },
    },
    {
      name: 'a container-only port publishes nothing',
      registry: registry(),
      files: { 'billing/docker-compose.yml': 'services:\n  api:\n    ports:\n      - "8080"\n' },
    },
  ],
  invalid: [
    {
      name: 'a literal host port of a service with a variable: the variable is suggested',
      registry: registry(),
      files: { 'billing/docker-compose.yml': compose('5001') },
      errors: [
        { file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'warning', message: said(5001, '${API_PORT:-5001}') },
      ],
    },
    {
      name: 'fixed: the digits become ${VAR:-port} and the env template beside it lists VAR, appended',
      registry: registry(),
      files: { 'billing/docker-compose.yml': compose('5001'), 'billing/.env.example': '# billing\nDB_PORT=5002\n' },
      errors: [
        { file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'warning', message: said(5001, '${API_PORT:-5001}') },
      ],
      output: {
        'billing/docker-compose.yml': compose('${API_PORT:-5001}'),
        'billing/.env.example': '# billing\nDB_PORT=5002\nAPI_PORT=5001\n',
      },
    },
    {
      name: 'fixed: a template that lists the variable already (any value) is left alone; one without a last line break gets one',
      registry: registry(),
      files: {
        'billing/docker-compose.yml': compose('127.0.0.1:5001'),
        'billing/.env.example': 'API_PORT=5001\n',
        'billing/sub/docker-compose.yml': 'services:\n  api:\n    ports:\n      - target: 8080\n        published: 5001\n',
        'billing/sub/.env.sample': 'DB_PORT=5002',
      },
      errors: [
        { file: 'billing/docker-compose.yml', line: 4, column: 20, endLine: 4, endColumn: 24, severity: 'warning', message: said(5001, '${API_PORT:-5001}') },
        {
          file: 'billing/sub/docker-compose.yml',
          line: 5,
          column: 20,
          endLine: 5,
          endColumn: 24,
          severity: 'warning',
          message: said(5001, '${API_PORT:-5001}'),
        },
      ],
      output: {
        'billing/docker-compose.yml': compose('127.0.0.1:${API_PORT:-5001}'),
        'billing/sub/docker-compose.yml': 'services:\n  api:\n    ports:\n      - target: 8080\n        published: ${API_PORT:-5001}\n',
        'billing/sub/.env.sample': 'DB_PORT=5002\nAPI_PORT=5001\n',
      },
    },
    {
      name: 'fixed inside a quoted flow entry; not fixed unquoted in a flow list, where { } would need quotes',
      registry: registry(),
      files: {
        'billing/docker-compose.yml': 'services:\n  api:\n    ports: ["5001:8080"]\n',
        'billing/.env.example': 'API_PORT=5001\n',
        'billing/flow/docker-compose.yml': 'services:\n  api:\n    ports: [5001:8080]\n',
        'billing/flow/.env.example': 'API_PORT=5001\n',
      },
      errors: [
        { file: 'billing/docker-compose.yml', line: 3, column: 14, endLine: 3, endColumn: 18, severity: 'warning', message: said(5001, '${API_PORT:-5001}') },
        {
          file: 'billing/flow/docker-compose.yml',
          line: 3,
          column: 13,
          endLine: 3,
          endColumn: 17,
          severity: 'warning',
          message: said(5001, '${API_PORT:-5001}'),
        },
      ],
      output: { 'billing/docker-compose.yml': 'services:\n  api:\n    ports: ["${API_PORT:-5001}:8080"]\n' },
    },
    {
      name: 'a literal host port of a service without a variable, in the long syntax',
      registry: registry(),
      files: { 'billing/docker-compose.yml': 'services:\n  admin:\n    ports:\n      - target: 80\n        published: 5003\n' },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 5,
          column: 20,
          endLine: 5,
          endColumn: 24,
          severity: 'warning',
          message: said(5003, '${VAR:-5003} (and "env" on the service in the registry)'),
        },
      ],
    },
  ],
});

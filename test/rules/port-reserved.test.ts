import { ruleTester } from '../helpers/rule-tester.js';

// reserved[0] starts at 4:5, reserved[1] at 8:5, reserved[2] at 17:5 (JSON.stringify with two spaces).
const registry = {
  version: 1,
  reserved: [
    { port: 22, reason: 'SSH' },
    { range: { from: 8000, to: 8099 }, reason: 'Supervisor infrastructure', owner: 'supervisor' },
    { port: 5060, reason: 'SIP', protocol: 'udp' },
    { range: { from: 3000, to: 3099 }, reason: 'Legacy/shared ports', severity: 'warning' },
  ],
  projects: {
    billing: {
      range: { from: 5000, to: 5099 },
      path: 'billing',
      services: { api: { port: 5001, purpose: 'REST API', env: 'API_PORT', history: [{ port: 8000, until: '2026-11-20' }] } },
    },
    supervisor: { range: { from: 5900, to: 5999 }, path: 'supervisor', services: {} },
  },
};
const compose = (service: string, entry: string) => `services:\n  ${service}:\n    ports:\n      - ${entry}\n`;
const supervisor = 'port 8051 is reserved: Supervisor infrastructure (8000-8099), for supervisor';

ruleTester.run('port-reserved', {
  valid: [
    { name: 'a port of no reservation', registry, files: { 'billing/docker-compose.yml': compose('api', '"5001:8080"') } },
    { name: "the reservation's owner uses it", registry, files: { 'supervisor/docker-compose.yml': compose('proxy', '"8051:80"') } },
    { name: "a reservation with severity warning is port-legacy's", registry, files: { 'billing/docker-compose.yml': compose('old', '"3001:80"') } },
    { name: 'a udp reservation does not cover the tcp port', registry, files: { 'billing/docker-compose.yml': compose('sip', '"5060:5060"') } },
    { name: 'a container port alone is no host port', registry, files: { 'billing/docker-compose.yml': compose('ssh', '"22"') } },
  ],
  invalid: [
    {
      name: 'a port in a reserved range, naming its owner; no fix',
      registry,
      files: { 'billing/docker-compose.yml': compose('admin', '"8051:80"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 14,
          severity: 'error',
          message: supervisor,
          related: [{ file: 'ports.registry.json', line: 8, column: 5, message: 'reservation: Supervisor infrastructure' }],
        },
      ],
    },
    {
      name: 'a reserved port in a file of no project',
      registry,
      files: { 'tools/docker-compose.yml': compose('ssh', '"22:22"') },
      errors: [
        { file: 'tools/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 12, severity: 'error', message: 'port 22 is reserved: SSH (22)' },
      ],
    },
    {
      name: 'a udp reservation covers the udp port',
      registry,
      files: { 'billing/docker-compose.yml': compose('sip', '"5060:5060/udp"') },
      errors: [
        { file: 'billing/docker-compose.yml', line: 4, column: 10, endLine: 4, endColumn: 14, severity: 'error', message: 'port 5060 is reserved: SIP (5060)' },
      ],
    },
    {
      name: 'a port range that reaches into a reserved range',
      registry,
      files: { 'billing/docker-compose.yml': compose('admin', '"7998-8001:80-83"') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 19,
          severity: 'error',
          message: 'port 7998-8001 is reserved: Supervisor infrastructure (8000-8099), for supervisor',
        },
      ],
    },
    {
      name: 'an env template value',
      registry,
      files: { 'billing/.env.example': 'ADMIN_PORT=8051\n' },
      errors: [{ file: 'billing/.env.example', line: 1, column: 12, endLine: 1, endColumn: 16, severity: 'error', message: supervisor }],
    },
    {
      name: 'the port the service moved away from: the fix writes its port now',
      registry,
      files: { 'billing/docker-compose.yml': compose('api', '"8000:8080"'), 'billing/.env.example': 'API_PORT=8000\n' },
      errors: [
        {
          file: 'billing/.env.example',
          line: 1,
          column: 10,
          endLine: 1,
          endColumn: 14,
          severity: 'error',
          message: 'port 8000 is reserved: Supervisor infrastructure (8000-8099), for supervisor',
        },
        {
          file: 'billing/docker-compose.yml',
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 14,
          severity: 'error',
          message: 'port 8000 is reserved: Supervisor infrastructure (8000-8099), for supervisor',
        },
      ],
      output: { 'billing/docker-compose.yml': compose('api', '"5001:8080"'), 'billing/.env.example': 'API_PORT=5001\n' },
    },
  ],
});

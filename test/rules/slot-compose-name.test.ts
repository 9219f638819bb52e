import { ruleTester } from '../helpers/rule-tester.js';

const registry = (slots = true) => ({
  version: 1,
  projects: {
    billing: {
      range: { from: 5000, to: 5099 },
      path: 'billing',
      ...(slots ? { slots: { width: 10 } } : {}),
      services: { api: { port: 5001, purpose: 'REST API', env: 'API_PORT', containerPort: 8080 } },
    },
  },
});
const compose = (name: string) => `${name}services:\n  api:\n    ports:\n      - "\${API_PORT:-5001}:8080"\n`;

ruleTester.run('slot-compose-name', {
  valid: [
    { name: 'no name: the project name comes from COMPOSE_PROJECT_NAME', registry: registry(), files: { 'billing/docker-compose.yml': compose('') } },
    {
      name: 'a name that defers to COMPOSE_PROJECT_NAME',
      registry: registry(),
      files: { 'billing/docker-compose.yml': compose('name: ${COMPOSE_PROJECT_NAME:-billing}\n') },
    },
    { name: 'a project without slots may fix its name', registry: registry(false), files: { 'billing/docker-compose.yml': compose('name: billing\n') } },
  ],
  invalid: [
    {
      name: 'a fixed name in a project with slots, at its value',
      registry: registry(),
      files: { 'billing/docker-compose.yml': compose('name: "billing"\n') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 1,
          column: 7,
          endLine: 1,
          endColumn: 16,
          severity: 'warning',
          message:
            'the Compose project name is fixed ("billing"), but project "billing" has slots: where COMPOSE_PROJECT_NAME is not set, every checkout shares or replaces the same containers; write name: ${COMPOSE_PROJECT_NAME:-billing}, which portreg env sets per checkout',
        },
      ],
    },
  ],
});

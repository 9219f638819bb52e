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
const compose = (extra: string) => `services:\n  api:\n${extra}    ports:\n      - "\${API_PORT:-5001}:8080"\n`;

ruleTester.run('slot-container-name', {
  valid: [
    { name: 'Compose names the container after the project', registry: registry(), files: { 'billing/docker-compose.yml': compose('') } },
    {
      name: 'a project without slots may name its containers',
      registry: registry(false),
      files: { 'billing/docker-compose.yml': compose('    container_name: billing-api\n') },
    },
  ],
  invalid: [
    {
      name: 'container_name in a project with slots, at its key',
      registry: registry(),
      files: { 'billing/docker-compose.yml': compose('    container_name: billing-api\n') },
      errors: [
        {
          file: 'billing/docker-compose.yml',
          line: 3,
          column: 5,
          endLine: 3,
          endColumn: 19,
          severity: 'warning',
          message:
            'service "api" sets container_name, but project "billing" has slots: container names are global to the Docker daemon, so a second checkout cannot start it; remove it, and Compose names the container after COMPOSE_PROJECT_NAME, which portreg env sets per checkout',
        },
      ],
    },
  ],
});

#!/usr/bin/env node
/**
 * Synthetic monorepo for the scanner benchmark: deterministic (seeded), written under
 * os.tmpdir() and cached by size, seed and generator version, so reruns are fast.
 *
 *   node bench/generate.mjs 1000 [--fresh] [--seed N]   # prints the root folder
 *   node bench/generate.mjs --full                       # the full registry: 276 projects x 100 ports
 *
 * Layout of a monorepo of N projects:
 *   ports.registry.json            valid registry (serializeRegistry + newRegistry from dist/)
 *   README.md, .gitignore
 *   projects/pNNNN/docker-compose.yml   2-4 services, short/long port syntax, env with URLs
 *   projects/pNNNN/.env.example         the port variables
 *   projects/pNNNN/README.md            URL mentions, a Port table, a bash block, and (by seed) badges,
 *                                       quotes, HTML, nested lists and fences, setext headings, long tables
 *   projects/pNNNN/package.json, src/index.js   noise the globs walk past (not scanned)
 *
 * Ranges: projects take consecutive aligned blocks from 5000 up, skipping blocks that overlap
 * error reservations (8000-8099). 100-port blocks do not fit below 65535 for 1,000 or 5,000
 * projects, so the block size is the largest of 100, 50, 20, 10 that fits (5,000 projects get 10)
 * and the project space is widened to 5000-65535 when the ranges go past 32767.
 */
import { mkdir, rm, writeFile, rename, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const GENERATOR_VERSION = 2;
const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', 'dist');

/** Ports services never get (the default registry's warning-level reservations in the project space). */
const AVOID = new Set([5000, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 7000, 10080]);
/** Error reservations a project range must not overlap. */
const ERROR_RANGES = [
  { from: 8000, to: 8099 },
  { from: 8051, to: 8051 },
];
const SPACE_FROM = 5000;
const MAX_PORT = 65535;
/** The default registry's project space ends here (DEFAULT_PROJECT_SPACE). */
const DEFAULT_SPACE_TO = 32767;

/** mulberry32: small, fast, good enough for synthetic data. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Consecutive blocks of `size` from 5000, skipping error reservations; null when they do not fit. */
export function layRanges(count, size) {
  const ranges = [];
  let from = SPACE_FROM;
  while (ranges.length < count) {
    const to = from + size - 1;
    if (to > MAX_PORT) return null;
    const range = { from, to };
    if (!ERROR_RANGES.some((r) => r.from <= to && range.from <= r.to)) ranges.push(range);
    from += size;
  }
  return ranges;
}

/**
 * How many projects fill the default project space (5000-32767) with `size`-port ranges, skipping
 * the error reservations: 276 for 100-port ranges. The lint benchmark's "full registry" tree.
 */
export function fullRegistryCount(size = 100, spaceTo = DEFAULT_SPACE_TO) {
  let count = 0;
  for (let from = SPACE_FROM; from + size - 1 <= spaceTo; from += size) {
    const to = from + size - 1;
    if (!ERROR_RANGES.some((r) => r.from <= to && from <= r.to)) count++;
  }
  return count;
}

export function chooseRangeSize(count) {
  for (const size of [100, 50, 20, 10]) if (layRanges(count, size)) return size;
  throw new Error(`${count} projects do not fit below ${MAX_PORT} even with 10-port ranges`);
}

const WORDS = (
  'service handles orders invoices customers accounts events queue cache search index reports ' +
  'metrics billing shipping catalog inventory payments webhooks sessions users notifications ' +
  'exports imports scheduler gateway ledger audit profiles pricing quotes tenants'
).split(' ');

function sentence(r, n) {
  const words = Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]);
  words[0] = words[0][0].toUpperCase() + words[0].slice(1);
  return words.join(' ') + '.';
}

const SERVICE_KINDS = {
  api: { env: 'API_PORT', container: 8080, purpose: 'REST API' },
  web: { env: 'WEB_PORT', container: 80, purpose: 'Web front end' },
  postgres: { env: 'POSTGRES_PORT', container: 5432, purpose: 'Main database' },
  redis: { env: 'REDIS_PORT', container: 6379, purpose: 'Cache' },
  worker: null, // no published port: environment only
};

/** The services of one project, their ports, and maybe a dependency on an earlier project. */
function planProject(r, index, range) {
  const extras = ['web', 'postgres', 'redis', 'worker'];
  const want = 1 + Math.floor(r() * 3); // 1-3 extras: 2-4 services
  const picked = [];
  while (picked.length < want) {
    const k = extras[Math.floor(r() * extras.length)];
    if (!picked.includes(k)) picked.push(k);
  }
  const services = ['api', ...extras.filter((k) => picked.includes(k))];
  const free = [];
  for (let p = range.from + 1; p <= range.to; p++) if (!AVOID.has(p)) free.push(p);
  const ports = {};
  for (const s of services) {
    if (!SERVICE_KINDS[s]) continue;
    const i = Math.floor(r() * free.length);
    ports[s] = free.splice(i, 1)[0];
  }
  const dependsOn = index > 0 && r() < 0.35 ? Math.floor(r() * index) : null;
  return { services, ports, dependsOn };
}

function composeFile(name, plan, depUrl) {
  const { ports } = plan;
  const out = [`# ${name}: local development stack`, 'name: ' + name, '', 'services:'];
  for (const s of plan.services) {
    if (s === 'api') {
      out.push(
        '  api:',
        `    image: ghcr.io/example/${name}-api:1.4.2`,
        '    build:',
        '      context: .',
        '      dockerfile: Dockerfile',
        '    ports:',
        `      - "\${API_PORT:-${ports.api}}:8080"`,
        '    environment:',
        '      NODE_ENV: development',
        `      PUBLIC_URL: http://localhost:${ports.api}`,
      );
      if (ports.postgres) out.push(`      DATABASE_URL: postgres://app:app@postgres:5432/${name}`);
      if (ports.redis) out.push('      REDIS_URL: redis://redis:6379/0');
      if (depUrl) out.push(`      UPSTREAM_URL: ${depUrl}`);
      const deps = plan.services.filter((d) => d === 'postgres' || d === 'redis');
      if (deps.length) out.push('    depends_on:', ...deps.map((d) => `      - ${d}`));
      out.push('    restart: unless-stopped');
    } else if (s === 'web') {
      out.push(
        '  web:',
        '    image: nginx:1.27-alpine',
        '    ports:',
        `      - "\${WEB_PORT:-${ports.web}}:80"`,
        '    volumes:',
        '      - ./web/nginx.conf:/etc/nginx/conf.d/default.conf:ro',
        '    depends_on:',
        '      - api',
      );
    } else if (s === 'postgres') {
      out.push(
        '  postgres:',
        '    image: postgres:16',
        '    ports:',
        `      - "127.0.0.1:${ports.postgres}:5432"`,
        '    environment:',
        '      POSTGRES_USER: app',
        '      POSTGRES_PASSWORD: app',
        `      POSTGRES_DB: ${name}`,
        '    volumes:',
        '      - pgdata:/var/lib/postgresql/data',
        '    healthcheck:',
        '      test: ["CMD-SHELL", "pg_isready -U app"]',
        '      interval: 5s',
        '      retries: 10',
      );
    } else if (s === 'redis') {
      out.push(
        '  redis:',
        '    image: redis:7-alpine',
        '    ports:',
        '      - target: 6379',
        `        published: "${ports.redis}"`,
        '        host_ip: 127.0.0.1',
        '        protocol: tcp',
        '        mode: host',
      );
    } else if (s === 'worker') {
      out.push(
        '  worker:',
        `    image: ghcr.io/example/${name}-api:1.4.2`,
        '    command: ["node", "dist/worker.js"]',
        '    environment:',
        `      API_URL: http://api:8080`,
        '      CONCURRENCY: "4"',
      );
    }
  }
  if (ports.postgres) out.push('', 'volumes:', '  pgdata: {}');
  return out.join('\n') + '\n';
}

function envTemplate(name, plan) {
  const out = [`# ${name}: copy to .env and adjust`, `COMPOSE_PROJECT_NAME=${name}`, 'NODE_ENV=development', 'LOG_LEVEL=info', ''];
  for (const s of plan.services) {
    const kind = SERVICE_KINDS[s];
    if (kind) out.push(`# ${kind.purpose}`, `${kind.env}=${plan.ports[s]}`);
  }
  if (plan.ports.postgres) out.push(`DATABASE_URL=postgres://app:app@localhost:${plan.ports.postgres}/${name}`);
  out.push('SECRET_KEY=change-me');
  return out.join('\n') + '\n';
}

function readme(r, name, plan, dep) {
  const { ports } = plan;
  const out = [
    `# ${name}`,
    '',
    sentence(r, 12) + ' ' + sentence(r, 9) + ' ' + sentence(r, 14),
    '',
    '## Running locally',
    '',
    '```bash',
    'cp .env.example .env',
    'docker compose up -d',
    `curl http://localhost:${ports.api}/health`,
    '```',
    '',
    `Then open http://localhost:${ports.web ?? ports.api} in a browser.`,
    '',
    '## Ports',
    '',
    '| Service | Port | Purpose |',
    '|---|---|---|',
  ];
  for (const s of plan.services) {
    const kind = SERVICE_KINDS[s];
    if (kind) out.push(`| ${s} | ${ports[s]} | ${kind.purpose} |`);
  }
  out.push('', '## Notes', '', sentence(r, 18) + ' ' + sentence(r, 11), '');
  if (dep) out.push(`It calls [${dep.name}](../${dep.name}/README.md) at http://localhost:${dep.port}.`, '');
  out.push('- `npm test` runs the unit tests', '- `npm run lint` checks the style', '');
  out.push(...realWorldShapes(r, name, plan));
  return out.join('\n');
}

/**
 * What real READMEs hold beyond plain paragraphs and pipe tables, where Markdown parsing spends
 * (issue 14): badges, block quotes, HTML blocks, nested lists with code, fences inside list items,
 * setext headings, emphasis, long tables. Each project gets some of them, chosen by its seed; the
 * ports named are the project's own, so the lint findings stay those of the plain shapes.
 */
function realWorldShapes(r, name, plan) {
  const { ports } = plan;
  const api = ports.api;
  const out = [];
  if (r() < 0.7)
    out.unshift(
      `[![build](https://ci.example/${name}/badge.svg)](https://ci.example/${name}) [![coverage](https://cov.example/${name}.svg)](https://cov.example/${name}) ![license](https://img.example/mit.svg)`,
      '',
    );
  if (r() < 0.6) out.push('Getting started', '---------------', '', `The *API* listens on **port ${api}**; see _Ports_ above.`, '');
  if (r() < 0.6) out.push(`> **Note**: the health check is \`curl -fsS http://localhost:${api}/health\`.`, '> It answers `ok` once the database is up.', '');
  if (r() < 0.5) out.push('<details>', '<summary>Troubleshooting</summary>', '', `If port ${api} is taken, run \`portreg who ${api}\`.`, '', '</details>', '');
  if (r() < 0.6) {
    out.push(
      '1. Install the tools:',
      '   - Node 20 and `npm`',
      '   - Docker with `docker compose`',
      '2. Start the stack:',
      '',
      '   ```bash',
      '   docker compose up -d',
      `   curl http://localhost:${api}/ready`,
      '   ```',
      '',
      `3. Open http://localhost:${api}/docs`,
      '',
    );
  }
  if (r() < 0.5) {
    out.push('## Configuration', '', '| Variable | Default | Description |', '|---|---|---|');
    for (let i = 0; i < 14; i++) out.push(`| \`${name.toUpperCase()}_OPTION_${i}\` | \`${i % 3 === 0 ? 'true' : i}\` | ${sentence(r, 6)} |`);
    out.push('');
  }
  if (r() < 0.4) out.push('````markdown', '```yaml', 'services:', '  api:', '    ports:', `      - "${api}:8080"`, '```', '````', '');
  return out;
}

function rootReadme(count, rangeSize) {
  return [
    '# Synthetic monorepo',
    '',
    `${count} projects under \`projects/\`, each with a ${rangeSize}-port range in \`ports.registry.json\`.`,
    "Generated by portreg's `bench/generate.mjs`; do not edit.",
    '',
  ].join('\n');
}

/** Where a monorepo of this size lives. */
export function monorepoDir(count, seed = 1) {
  return path.join(os.tmpdir(), 'portreg-bench', `v${GENERATOR_VERSION}-n${count}-s${seed}`);
}

async function exists(p) {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * Returns the monorepo's folder, generating it unless a complete one is cached.
 * @returns {Promise<{ root: string, count: number, rangeSize: number, projectSpace: {from:number,to:number}, generated: boolean, ms: number, files: number }>}
 */
export async function ensureMonorepo(count, { seed = 1, fresh = false } = {}) {
  const root = monorepoDir(count, seed);
  const manifest = path.join(root, '.bench-manifest.json');
  const t0 = performance.now();
  if (!fresh && (await exists(manifest))) {
    const m = JSON.parse(await readFile(manifest, 'utf8'));
    return { ...m, root, generated: false, ms: performance.now() - t0 };
  }
  await rm(root, { recursive: true, force: true });
  const tmp = `${root}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });

  const { serializeRegistry } = await import(pathToFileURL(path.join(dist, 'registry', 'serialize.js')).href);
  const { newRegistry } = await import(pathToFileURL(path.join(dist, 'registry', 'defaults.js')).href);

  const rangeSize = chooseRangeSize(count);
  const ranges = layRanges(count, rangeSize);
  const r = rng((seed * 2654435761) ^ count);
  const registry = newRegistry('https://raw.githubusercontent.com/example/portreg/main/schemas/ports.registry.schema.json');
  registry.rangeSize = rangeSize;
  const lastPort = ranges[ranges.length - 1].to;
  if (lastPort > registry.projectSpace.to) registry.projectSpace = { from: SPACE_FROM, to: MAX_PORT };

  const name = (i) => `p${String(i).padStart(4, '0')}`;
  const plans = [];
  const writes = [];
  let files = 0;
  for (let i = 0; i < count; i++) {
    const plan = planProject(r, i, ranges[i]);
    plans.push(plan);
    const services = {};
    for (const s of plan.services) {
      const kind = SERVICE_KINDS[s];
      if (kind) services[s] = { port: plan.ports[s], purpose: kind.purpose, env: kind.env, containerPort: kind.container };
    }
    registry.projects[name(i)] = { range: ranges[i], path: `projects/${name(i)}`, services };
    const dep = plan.dependsOn === null ? null : { name: name(plan.dependsOn), port: plans[plan.dependsOn].ports.api };
    const dir = path.join(tmp, 'projects', name(i));
    writes.push([path.join(dir, 'docker-compose.yml'), composeFile(name(i), plan, dep && `http://localhost:${dep.port}/v1`)]);
    writes.push([path.join(dir, '.env.example'), envTemplate(name(i), plan)]);
    writes.push([path.join(dir, 'README.md'), readme(r, name(i), plan, dep)]);
    writes.push([
      path.join(dir, 'package.json'),
      JSON.stringify({ name: `@mono/${name(i)}`, private: true, scripts: { start: 'node src/index.js' } }, null, 2) + '\n',
    ]);
    writes.push([
      path.join(dir, 'src', 'index.js'),
      `// ${name(i)}\nconst port = Number(process.env.API_PORT ?? ${plan.ports.api});\nconsole.log('listening on', port);\n`,
    ]);
  }
  writes.push([path.join(tmp, 'ports.registry.json'), serializeRegistry(registry)]);
  writes.push([path.join(tmp, 'README.md'), rootReadme(count, rangeSize)]);
  writes.push([path.join(tmp, '.gitignore'), 'node_modules/\n.env\ndist/\n']);

  const dirs = new Set(writes.map(([f]) => path.dirname(f)));
  for (const d of dirs) await mkdir(d, { recursive: true });
  let next = 0;
  const worker = async () => {
    while (next < writes.length) {
      const [f, text] = writes[next++];
      await writeFile(f, text);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  files = writes.length;
  const info = { count, seed, generatorVersion: GENERATOR_VERSION, rangeSize, projectSpace: registry.projectSpace, lastPort, files };
  await writeFile(path.join(tmp, '.bench-manifest.json'), JSON.stringify(info, null, 2) + '\n');
  await mkdir(path.dirname(root), { recursive: true });
  await rename(tmp, root);
  return { ...info, root, generated: true, ms: performance.now() - t0 };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const count = args.includes('--full') ? fullRegistryCount() : Number(args.find((a) => /^\d+$/.test(a)) ?? 100);
  const seedAt = args.indexOf('--seed');
  const info = await ensureMonorepo(count, { fresh: args.includes('--fresh'), seed: seedAt >= 0 ? Number(args[seedAt + 1]) : 1 });
  process.stderr.write(
    `${info.generated ? 'generated' : 'cached'} ${info.count} projects (${info.files} files, rangeSize ${info.rangeSize}, ` +
      `project space ${info.projectSpace.from}-${info.projectSpace.to}) in ${info.ms.toFixed(0)} ms\n`,
  );
  process.stdout.write(info.root + '\n');
}

/**
 * Property: random compose files, env templates and READMEs, with random ports and formatting
 * (quoting, short and long syntax, IP prefixes, protocols, flow sequences, interpolation
 * defaults, comments, URLs, tables, code blocks, CRLF, a BOM), in which the generator itself
 * records every place it planted the moving service's port. After the rewrite engine moves the
 * service (scan, plan, preview: the library under `portreg reassign`), the bytes must be exactly
 * the generator's text with the planted places, and only those, changed; a second run over the
 * rewritten tree plans nothing. Decoys (container ports, comments, bare numbers, a table of
 * something else, other services' ports) carry the same digits and must stay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { previewPlan } from '../../src/fix/apply.js';
import { writeAll } from '../helpers/write-all.js';
import type { Registry } from '../../src/registry/types.js';
import { planRewrite } from '../../src/rewrite/plan.js';
import { scan } from '../../src/scan/scan.js';
import { tempDir } from '../helpers/cli.js';

/** A file as the generator writes it: literal text, and the old port, planted (must move) or a decoy (must stay). */
type Part = { text: string } | { port: 'old'; planted: boolean };

class Doc {
  readonly parts: Part[] = [];
  constructor(readonly eol: string) {}
  /** Literal text with `\n` as the file's line ending. */
  lit(text: string): this {
    this.parts.push({ text: text.replace(/\n/g, this.eol) });
    return this;
  }
  planted(): this {
    this.parts.push({ port: 'old', planted: true });
    return this;
  }
  decoy(): this {
    this.parts.push({ port: 'old', planted: false });
    return this;
  }
  /** The text with the planted places written as `plantedAs`, the decoys as `old`. */
  render(old: number, plantedAs: number): string {
    return this.parts.map((p) => ('text' in p ? p.text : String(p.planted ? plantedAs : old))).join('');
  }
  get plantedCount(): number {
    return this.parts.filter((p) => 'port' in p && p.planted).length;
  }
}

interface Ports {
  old: number;
  next: number;
  api: number;
  other: number;
  site: number;
}

const ports: fc.Arbitrary<Ports> = fc
  .tuple(fc.uniqueArray(fc.integer({ min: 5001, max: 5099 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 5100, max: 5199 }))
  .map(([[old, next, api, other], site]) => ({ old: old!, next: next!, api: api!, other: other!, site }));

const eol = fc.constantFrom('\n', '\r\n');
const quote = fc.constantFrom('"', "'", '');
const scheme = fc.constantFrom('postgres://app:secret@', 'postgresql://', 'http://');
const localHost = fc.constantFrom('localhost', '127.0.0.1');

/** The db service's ports entry, in one of the ways Compose takes it; `indent` is the list item's. */
const dbPorts = fc.oneof(
  // short syntax, with or without an IP and a protocol, quoted or not, maybe a trailing comment
  fc.record({ q: quote, ip: fc.boolean(), proto: fc.boolean(), comment: fc.boolean() }).map((o) => (d: Doc) => {
    d.lit(`    ports:\n      - ${o.q}${o.ip ? '127.0.0.1:' : ''}`)
      .planted()
      .lit(`:5432${o.proto ? '/tcp' : ''}${o.q}${o.comment ? ' # postgres' : ''}\n`);
  }),
  // an interpolation default, taken from the env template when it is set
  fc.constantFrom(':-', '-').map((op) => (d: Doc) => {
    d.lit(`    ports:\n      - "\${DB_PORT${op}`).planted().lit('}:5432"\n');
  }),
  // a YAML anchor, used through an alias
  fc.constant((d: Doc) => {
    d.lit('    x-port: &dbport "').planted().lit(':5432"\n    ports:\n      - *dbport\n');
  }),
  // long syntax, published as a number or a string, keys in either order
  fc.record({ asString: fc.boolean(), publishedFirst: fc.boolean(), protocol: fc.boolean() }).map((o) => (d: Doc) => {
    const q = o.asString ? '"' : '';
    const published = (x: Doc) => x.lit(`published: ${q}`).planted().lit(`${q}\n`);
    d.lit('    ports:\n      - ');
    if (o.publishedFirst) published(d).lit('        target: 5432\n');
    else published(d.lit('target: 5432\n        '));
    if (o.protocol) d.lit('        protocol: tcp\n');
  }),
  // long syntax in a flow mapping
  fc.constant((d: Doc) => {
    d.lit('    ports:\n      - { target: 5432, published: ').planted().lit(', protocol: tcp }\n');
  }),
  // a flow sequence
  fc.record({ q: fc.constantFrom('"', "'") }).map((o) => (d: Doc) => {
    d.lit(`    ports: [${o.q}`).planted().lit(`:5432${o.q}]\n`);
  }),
);

const composeFile = fc
  .record({
    eol,
    header: fc.constantFrom('', '# The app: its API and its database\n', '# Die Anwendung — API und Datenbank 🚀\n'),
    bom: fc.boolean(),
    url: fc.option(fc.record({ scheme, host: localHost, q: fc.constantFrom('', '"', "'", 'escaped'), list: fc.boolean() }), { nil: undefined }),
    ownPort: fc.boolean(),
    db: dbPorts,
    other: fc.boolean(),
    comment: fc.boolean(),
    trailingSpace: fc.boolean(),
  })
  .map((o) => (p: Ports) => {
    const d = new Doc(o.eol);
    if (o.bom) d.lit('\ufeff');
    d.lit(o.header);
    d.lit(`services:\n  api:\n    image: example/api:1.2\n    ports:\n      - "${p.api}:8080"${o.trailingSpace ? '  ' : ''}\n`);
    if (o.url || o.ownPort) {
      d.lit('    environment:\n');
      const list = o.url?.list ?? false;
      if (o.url) {
        // "escaped": a double-quoted YAML scalar with escapes before the port (\x41 is A, \u00e9 is é)
        const q = o.url.q === 'escaped' ? '"' : o.url.q;
        const prefix = o.url.q === 'escaped' ? 'postgres://app:p\\x41ss\\u00e9@' : o.url.scheme;
        if (list) d.lit(`      - ${q}DB_URL=${prefix}${o.url.host}:`).planted().lit(`/app${q}\n`);
        else d.lit(`      DB_URL: ${q}${prefix}${o.url.host}:`).planted().lit(`/app${q}\n`);
      }
      // The API's own PORT is a container port: never moved.
      if (o.ownPort) {
        if (list) d.lit('      - PORT=').decoy().lit('\n');
        else d.lit('      PORT: ').decoy().lit('\n');
      }
    }
    d.lit('  db:\n    image: postgres:16\n');
    if (o.comment) d.lit('    # it was on ').decoy().lit(' before, too\n');
    o.db(d);
    // Another service whose container listens on the same number.
    if (o.other) d.lit(`  other:\n    image: example/other:1\n    ports:\n      - "${p.other}:`).decoy().lit('"\n    expose:\n      - "').decoy().lit('"\n');
    return d;
  });

const envFile = fc
  .record({
    eol,
    bom: fc.boolean(),
    style: fc.constantFrom('plain', 'double', 'single', 'export'),
    url: fc.option(fc.record({ scheme, host: localHost, q: quote, user: fc.constantFrom('', '${DB_USER}@', 'app:s3cr=t@') }), { nil: undefined }),
    comment: fc.boolean(),
    inline: fc.boolean(),
    bare: fc.boolean(),
    order: fc.boolean(),
  })
  .map((o) => (p: Ports) => {
    const d = new Doc(o.eol);
    if (o.bom) d.lit('\ufeff');
    if (o.comment) d.lit('# it used to be DB_PORT=').decoy().lit('\n');
    const api = () => d.lit(`API_PORT=${p.api}\n`);
    if (o.order) api();
    const q = o.style === 'double' ? '"' : o.style === 'single' ? "'" : '';
    d.lit(`${o.style === 'export' ? 'export ' : ''}DB_PORT=${q}`)
      .planted()
      .lit(`${q}${o.inline ? ' # the host port (Straße ✓)' : ''}\n`);
    if (o.url)
      d.lit(`DATABASE_URL=${o.url.q}${o.url.scheme.replace(/[^/]*@$/, '')}${o.url.user}${o.url.host}:`)
        .planted()
        .lit(`/app${o.url.q}\n`);
    // Not a port variable, and no host: a bare number is not a port.
    if (o.bare) d.lit('BATCH_SIZE=').decoy().lit('\n');
    if (!o.order) api();
    return d;
  });

/** README blocks, each a function of the doc; the generator picks some, in some order. */
const readmeBlock = fc.constantFrom<(d: Doc, p: Ports) => void>(
  (d) => d.lit('The database listens on localhost:').planted().lit(' once the stack is up.\n'),
  (d) => d.lit('Health: <http://localhost:').planted().lit('/health>.\n'),
  (d) => d.lit('We keep ').decoy().lit(' rows per page.\n'),
  (d, p) => d.lit(`| Service | Port |\n|---------|------|\n| api     | ${p.api} |\n| db      | `).planted().lit(' |\n'),
  (d) => d.lit('| Table | Rows |\n|-------|------|\n| users | ').decoy().lit(' |\n'),
  (d) => d.lit('```bash\ndocker run -d -p ').planted().lit(':5432 postgres:16\n```\n'),
  (d) => d.lit('```yaml\nservices:\n  db:\n    ports:\n      - "').planted().lit(':5432"\n```\n'),
  (d) => d.lit('Die Datenbank 🐘 läuft auf [localhost](http://localhost:').planted().lit('/) — schön.\n'),
  (d) => d.lit('Connect with `psql -h localhost -p ').planted().lit(' -U app`.\n'),
  (d) => d.lit('Version 5.0.').decoy().lit(' of the driver; ticket #').decoy().lit('.\n'),
  (d) => d.lit('```console\n$ docker ps\nCONTAINER ID   IMAGE         PORTS\n3f4e8a2b1c0d   postgres:16   0.0.0.0:').planted().lit('->5432/tcp\n```\n'),
);

const readmeFile = fc.record({ eol, bom: fc.boolean(), blocks: fc.array(readmeBlock, { minLength: 1, maxLength: 8 }) }).map((o) => (p: Ports) => {
  const d = new Doc(o.eol);
  if (o.bom) d.lit('\ufeff');
  d.lit('# App\n');
  for (const b of o.blocks) {
    d.lit('\n');
    b(d, p);
  }
  return d;
});

/** Another project that refers to the app's database. */
const webFiles = fc.record({ eol, envRef: fc.boolean(), readmeRef: fc.boolean() }).map((o) => (p: Ports) => {
  const env = new Doc(o.eol).lit(`WEB_PORT=${p.site}\n`);
  if (o.envRef) env.lit('APP_DB_URL=postgres://localhost:').planted().lit('/app\n');
  const readme = new Doc(o.eol).lit('# Web\n');
  if (o.readmeRef) readme.lit('\nSee [the app database](postgres://localhost:').planted().lit('/app).\n');
  const compose = new Doc(o.eol).lit(`services:\n  site:\n    image: example/site:1\n    ports:\n      - "${p.site}:3000"\n`);
  return { env, readme, compose };
});

function registryFor(p: Ports): Registry {
  return {
    version: 1,
    projects: {
      app: {
        range: { from: 5000, to: 5099 },
        path: 'app',
        services: {
          api: { port: p.api, purpose: 'API', env: 'API_PORT' },
          db: { port: p.old, purpose: 'Database', env: 'DB_PORT' },
        },
      },
      web: { range: { from: 5100, to: 5199 }, path: 'web', services: { site: { port: p.site, purpose: 'Site', env: 'WEB_PORT' } } },
    },
  };
}

/** A generated tree: its ports and its files; printed as the files' text when a run fails. */
const trees = ports.chain((p) =>
  fc.tuple(composeFile, envFile, readmeFile, webFiles).map(([compose, env, readme, web]) => {
    const w = web(p);
    const docs: Record<string, Doc> = {
      'app/docker-compose.yml': compose(p),
      'app/.env.example': env(p),
      'app/README.md': readme(p),
      'web/.env.example': w.env,
      'web/README.md': w.readme,
      'web/docker-compose.yml': w.compose,
    };
    const shown = () =>
      `ports ${JSON.stringify(p)}\n` +
      Object.entries(docs)
        .map(
          ([file, d]) =>
            `--- ${file} (${d.plantedCount} planted; the old port as [OLD], a decoy as OLD)\n${d.parts.map((x) => ('text' in x ? x.text : x.planted ? '[OLD]' : 'OLD')).join('')}`,
        )
        .join('\n');
    return { p, docs, [fc.toStringMethod]: shown };
  }),
);

let base: string;
let cleanup: () => Promise<void>;
let run = 0;
beforeAll(async () => {
  ({ dir: base, cleanup } = await tempDir('portreg-property-'));
});
afterAll(() => cleanup());

describe('reassign, as a property over generated trees', () => {
  it('changes exactly the planted occurrences, byte for byte, and a second run changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(trees, async ({ p, docs }) => {
        const root = path.join(base, `run${run++}`);
        try {
          for (const [file, d] of Object.entries(docs)) {
            await mkdir(path.dirname(path.join(root, file)), { recursive: true });
            await writeFile(path.join(root, file), d.render(p.old, p.old));
          }
          const registry = registryFor(p);
          const move = { project: 'app', service: 'db', from: p.old, to: p.next };
          const scanned = await scan({ root, registry });
          const rewrite = planRewrite(scanned, registry, [move]);
          expect(rewrite.conflicts).toEqual([]);
          const applied = await previewPlan(root, rewrite.plan);
          const after = new Map(applied.map((f) => [f.file, f.after.toString('utf8')]));
          for (const [file, d] of Object.entries(docs)) {
            const expected = d.render(p.old, p.next);
            expect(after.get(file) ?? d.render(p.old, p.old), file).toBe(expected);
          }
          const planted = Object.values(docs).reduce((n, d) => n + d.plantedCount, 0);
          expect(rewrite.edits).toHaveLength(planted);

          // Second run, on the rewritten tree: nothing of the old port is left to move.
          await writeAll(root, applied);
          const again = planRewrite(await scan({ root, registry }), registry, [move]);
          expect(again.edits).toEqual([]);
        } finally {
          await rm(root, { recursive: true, force: true });
        }
      }),
      // PROPERTY_RUNS=1000 for a longer hunt; 100 takes about ten seconds.
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 100) },
    );
  }, 180_000);
});

#!/usr/bin/env node
/**
 * Makes a release that pre-commit (`rev: vX.Y.Z`) and GitHub Actions (`uses: <owner>/portreg@vX.Y.Z`)
 * can name:
 *
 *   node scripts/release.mjs patch|minor|major|X.Y.Z
 *
 * sets `version` in package.json and package-lock.json, commits them ("release vX.Y.Z") and makes
 * the annotated tag vX.Y.Z on that commit. It never pushes: it prints the push to run. Refuses a
 * working tree with uncommitted changes or a tag that exists (exit 1) and a bad argument (exit 2);
 * nothing is changed then.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

function fail(code, message) {
  process.stderr.write(`release: ${message}\n`);
  process.exit(code);
}

function git(...args) {
  return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const args = process.argv.slice(2);
if (args.length !== 1 || args[0] === '--help' || args[0] === '-h') {
  fail(2, 'usage: node scripts/release.mjs patch|minor|major|X.Y.Z');
}

let top;
try {
  top = git('rev-parse', '--show-toplevel').trim();
} catch {
  fail(2, 'not in a git repository');
}
process.chdir(top);

const pkgPath = path.join(top, 'package.json');
const lockPath = path.join(top, 'package-lock.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
const current = SEMVER.exec(pkg.version ?? '');
if (!current) fail(2, `package.json's version "${pkg.version}" is not X.Y.Z`);
const [major, minor, patch] = current.slice(1).map(Number);

const bump = { major: `${major + 1}.0.0`, minor: `${major}.${minor + 1}.0`, patch: `${major}.${minor}.${patch + 1}` };
const next = bump[args[0]] ?? (SEMVER.test(args[0]) ? args[0] : undefined);
if (!next) fail(2, `"${args[0]}" is neither patch, minor, major nor a version X.Y.Z`);
if (next === pkg.version) fail(2, `package.json is at ${next} already`);
const tag = `v${next}`;

// A release is exactly what is committed: uncommitted changes would be left out of the tag, or swept into it.
const dirty = git('status', '--porcelain').trim();
if (dirty) fail(1, `the working tree has uncommitted changes; commit or stash them first:\n${dirty}`);
if (git('tag', '--list', tag).trim()) fail(1, `the tag ${tag} exists already`);

// Only the version fields change, so the files keep their formatting (and the commit is a two-line diff).
const setVersion = (text, count) => {
  let n = 0;
  return text.replace(/("version": )"[^"]*"/g, (m, key) => (n++ < count ? `${key}"${next}"` : m));
};
writeFileSync(pkgPath, setVersion(readFileSync(pkgPath, 'utf8'), 1));
let lockFiles = ['package.json'];
try {
  // package-lock.json: the root's "version" and packages[""]'s, the first two occurrences.
  writeFileSync(lockPath, setVersion(readFileSync(lockPath, 'utf8'), 2));
  lockFiles = ['package.json', 'package-lock.json'];
} catch (err) {
  if (err.code !== 'ENOENT') throw err;
}

git('add', '--', ...lockFiles);
git('commit', '-q', '-m', `release ${tag}`);
git('tag', '-a', tag, '-m', `portreg ${tag}`);
process.stdout.write(`${tag}\n`);
process.stderr.write(`release: committed and tagged ${tag}; publish it with: git push origin HEAD ${tag}\n`);

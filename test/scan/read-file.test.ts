import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTextFile } from '../../src/scan/read-file.js';

describe('readTextFile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'portreg-read-'));

  it('returns the text of a UTF-8 file', () => {
    const file = path.join(dir, 'compose.yaml');
    writeFileSync(file, 'services: {} # é\n');
    expect(readTextFile(file)).toEqual({ ok: true, text: 'services: {} # é\n', byteLength: 18 });
  });

  it('keeps a text that writes U+FFFD itself, in valid UTF-8', () => {
    const file = path.join(dir, 'replacement.md');
    writeFileSync(file, 'a \uFFFD b\n');
    expect(readTextFile(file)).toEqual({ ok: true, text: 'a \uFFFD b\n', byteLength: 8 });
  });

  it('places the first byte that is not UTF-8, past a U+FFFD written in the text', () => {
    const file = path.join(dir, 'latin1.md');
    writeFileSync(file, Buffer.concat([Buffer.from('\uFFFD\nport: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(readTextFile(file)).toEqual({ ok: false, message: 'is not valid UTF-8: not read', line: 2, column: 10 });
  });

  it('calls a NUL byte in the first 8 KiB binary, and one after it text', () => {
    const early = path.join(dir, 'early.yml');
    writeFileSync(early, `${'é'.repeat(4095)}\0`);
    expect(readTextFile(early)).toEqual({ ok: false, message: 'is a binary file: not read' });
    // 4,096 two-byte characters: the NUL is at byte 8,192, past the first 8 KiB.
    const late = path.join(dir, 'late.yml');
    writeFileSync(late, `${'é'.repeat(4096)}\0`);
    expect(readTextFile(late)).toMatchObject({ ok: true, byteLength: 8193 });
  });

  // The read is synchronous: opening a FIFO must not wait for a writer that never comes.
  it.skipIf(process.platform === 'win32')('says a FIFO is not a regular file, without waiting for a writer', () => {
    const fifo = path.join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(readTextFile(fifo)).toEqual({ ok: false, message: 'is not a regular file' });
  });

  it('says a missing file vanished', () => {
    expect(readTextFile(path.join(dir, 'gone.yaml'))).toEqual({ ok: false, message: 'vanished while the scan was running', missing: true });
  });
});

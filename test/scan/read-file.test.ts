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
    const r = readTextFile(file);
    expect(r.ok && r.text).toBe('services: {} # é\n');
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

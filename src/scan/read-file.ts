/**
 * Reads one file for the scanner and turns every way it can be unreadable into a message:
 * gone, too large, binary, not UTF-8. The scan goes on with the other files.
 */
import { readFile, stat } from 'node:fs/promises';

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

export type ReadOutcome =
  | { ok: true; text: string; bytes: Buffer }
  | { ok: false; message: string; line?: number; column?: number };

export async function readTextFile(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES): Promise<ReadOutcome> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return { ok: false, message: 'is not a regular file' };
    if (info.size > maxBytes) {
      return { ok: false, message: `is ${formatSize(info.size)}, over the ${formatSize(maxBytes)} a config file may have: not read` };
    }
    const bytes = await readFile(file);
    // A compose name on a binary file: a NUL byte early on is the usual sign.
    if (bytes.subarray(0, 8192).includes(0)) return { ok: false, message: 'is a binary file: not read' };
    const text = bytes.toString('utf8');
    if (text.includes('\uFFFD') && !isValidUtf8(bytes)) {
      const bad = text.indexOf('\uFFFD');
      const before = text.slice(0, bad);
      const line = before.split('\n').length;
      const column = bad - before.lastIndexOf('\n');
      return { ok: false, message: 'is not valid UTF-8: not read', line, column };
    }
    return { ok: true, text, bytes };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, message: 'vanished while the scan was running' };
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, message: 'cannot be read: permission denied' };
    if (code === 'ELOOP') return { ok: false, message: 'is a symbolic link loop' };
    return { ok: false, message: `cannot be read: ${(err as Error).message}` };
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Only checked when U+FFFD appears: it may also be written in the file on purpose. */
function isValidUtf8(bytes: Buffer): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function formatSize(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

/**
 * Reads one file for the scanner and turns every way it can be unreadable into a message:
 * gone, too large, binary, not UTF-8. The scan goes on with the other files.
 *
 * Synchronous on purpose: config files are small and usually in the page cache, where one
 * synchronous open/stat/read/close costs a fraction of the four thread-pool round trips of the
 * asynchronous calls (a scan of 15,000 files spent more time there than reading). The scanner
 * yields to the event loop between batches of files.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { formatSize, LIMITS } from '../limits.js';

export const DEFAULT_MAX_FILE_BYTES = LIMITS.fileBytes;

/** `missing`: there is no such file (not a broken link): a file another file names may never have been made. */
export type ReadOutcome = { ok: true; text: string; byteLength: number } | { ok: false; message: string; line?: number; column?: number; missing?: true };

/** Non-blocking open: a FIFO named like a config file is reported as not a regular file instead of waiting for a writer. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export function readTextFile(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES): ReadOutcome {
  let fd: number | undefined;
  try {
    // One open: the size check and the read look at the same file, even if it is replaced meanwhile.
    fd = openSync(file, OPEN_FLAGS);
    const info = fstatSync(fd);
    if (!info.isFile()) return { ok: false, message: 'is not a regular file' };
    if (info.size > maxBytes) {
      return { ok: false, message: `is ${formatSize(info.size)}, over the ${formatSize(maxBytes)} a config file may have: not read` };
    }
    // Read and decoded in one call, as the engine's own readFileSync(path, 'utf8') does: no Buffer kept.
    const text = readFileSync(fd, 'utf8');
    // A compose name on a binary file: a NUL byte in its first 8 KiB is the usual sign.
    const nul = text.indexOf('\0');
    if (nul !== -1 && nul < BINARY_SNIFF_BYTES && Buffer.byteLength(text.slice(0, nul)) < BINARY_SNIFF_BYTES) {
      return { ok: false, message: 'is a binary file: not read' };
    }
    // Bytes that are not UTF-8 decode to U+FFFD; only then are the bytes read again, to place the first.
    const bytes = text.includes('\uFFFD') ? readBytes(fd) : null;
    const bad = bytes ? firstInvalidOffset(bytes) : -1;
    if (bytes && bad !== -1) {
      const before = bytes.subarray(0, bad).toString('utf8');
      const line = before.split('\n').length;
      const column = before.length - before.lastIndexOf('\n');
      return { ok: false, message: 'is not valid UTF-8: not read', line, column };
    }
    return { ok: true, text, byteLength: bytes ? bytes.length : Buffer.byteLength(text) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const link = lstatOrNull(file);
      if (link?.isSymbolicLink()) return { ok: false, message: 'is a broken symbolic link: not read' };
      return { ok: false, message: 'vanished while the scan was running', missing: true };
    }
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, message: 'cannot be read: permission denied' };
    if (code === 'ELOOP') return { ok: false, message: 'is a symbolic link loop' };
    if (code === 'EISDIR') return { ok: false, message: 'is not a regular file' };
    return { ok: false, message: `cannot be read: ${(err as Error).message}` };
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Nothing was written; a failed close loses nothing.
      }
    }
  }
}

const BINARY_SNIFF_BYTES = 8192;

/** The file's bytes from its start, read by position: the open file whose text was read, not whatever the path names now. */
function readBytes(fd: number): Buffer {
  const chunks: Buffer[] = [];
  for (let position = 0; ; ) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    const n = readSync(fd, chunk, 0, chunk.length, position);
    if (n === 0) return Buffer.concat(chunks);
    chunks.push(chunk.subarray(0, n));
    position += n;
  }
}

function lstatOrNull(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return null;
  }
}

/** The byte offset of the first sequence that is not well-formed UTF-8 (RFC 3629), or -1. */
export function firstInvalidOffset(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    let length: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [length, min] = [2, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [length, min] = [3, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [length, min] = [4, 0x10000];
    else return i;
    let code = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return i;
    i += length;
  }
  return -1;
}

/**
 * Preloaded (`node --import`) into both sides of the whole-process benchmark: at exit, writes the
 * process's peak resident set (KiB) to the file named by BENCH_RSS_FILE. Symmetric, and costs
 * both sides the same few microseconds.
 */
import { writeFileSync } from 'node:fs';

const out = process.env.BENCH_RSS_FILE;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));

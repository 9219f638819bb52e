/** Types of the fuzz harness's exports (scripts/fuzz.mjs), for the tests that import them. */
export interface CorpusFile {
  kind: string;
  name: string;
  bytes: Buffer;
}

export interface FuzzInput {
  index: number;
  source: string;
  kind: string;
  target: string;
  mutations: string[];
  bytes: Buffer;
}

export interface RunRecord {
  code: number | null;
  signal: string | null;
  killedFor: 'hang' | 'memory' | null;
  maxRss: number;
  stdout: string;
  outBytes: number;
  stderr: string;
  /** A shared process (--per-process) ended during the run. */
  died?: boolean;
}

export function rng(
  seed: number,
  index: number,
): { float(): number; int(n: number): number; pick<T>(list: readonly T[]): T; size(lo: number, hi: number): number; chance(p: number): boolean };
export function makeInput(seed: number, index: number, files: CorpusFile[], cap?: number): FuzzInput;
export function problemsOf(run: RunRecord, options: { timeoutMs: number; memoryMib: number }): string[];
export function fuzz(options: Record<string, unknown>): Promise<Record<string, unknown>>;

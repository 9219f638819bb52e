/**
 * The limits the readers hold hostile or absurd input to: one home, so the docs
 * (docs/limits.md), the findings and the code say the same numbers.
 *
 * The scanner's promise is a finding, never a crash, a hang or unbounded memory. No real config
 * file comes near these limits; a file past one is read in part or not at all, with a
 * `scan-degraded` warning that names the limit and says what was still read. Every check is one
 * linear pass with constant memory, made before the heavy parser sees the text.
 */
export const LIMITS = {
  /** Bytes a scanned file may have; a larger file is not read (parse-error). */
  fileBytes: 10 * 1024 * 1024,
  /** Nesting of JSON arrays/objects and YAML collections: the parsers of both recurse per level. */
  nestingDepth: 128,
  /** Lines plus flow items (`,` `[` `{`) of one YAML file: the YAML library holds ~1 KB per node. */
  yamlItems: 50_000,
  /** Lines of an env file read; the lines after them are not (each line may be a port and a finding). */
  envLines: 10_000,
  /** Lines of a Markdown file read; the lines after them are not. */
  markdownLines: 100_000,
  /** Characters of one line: a longer YAML line leaves the file unread, a longer Markdown line is not read. */
  lineLength: 64 * 1024,
  /** Characters of one value searched for ports (env, compose, a package.json script, a devcontainer.json entry): each port found keeps the value it sits in. */
  valueLength: 8 * 1024,
  /** Syntax errors, and keys written twice, listed for one JSON file (the registry, package.json, devcontainer.json); the rest are counted. */
  syntaxErrors: 100,
  /** Port facts kept from one file; the ones after them are dropped. */
  portsPerFile: 10_000,
  /** Markdown shapes micromark's time grows faster than the input on: past one, the file is read as plain text. */
  markdown: { delimiters: 3_000, nesting: 16, indentation: 64, setextLines: 1_000 },
  /** Characters of Markdown given to micromark (the blocks the simple reader cannot read): its trees take ~500 bytes per byte. */
  markdownParsedChars: 256 * 1024,
} as const;

/** The message of a file whose ports run past LIMITS.portsPerFile, the first dropped one on `line`. */
export function tooManyPortsMessage(file: string, line: number): string {
  const limit = formatLimit(LIMITS.portsPerFile);
  return `${file} names over ${limit} ports (the limit): the first ${limit} read, the ones from line ${line} on not`;
}

/** `100000` -> `100,000`: the numbers as the docs write them. */
export function formatLimit(n: number): string {
  return n.toLocaleString('en-US');
}

/** Sizes as the read-file messages write them. */
export function formatSize(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

/**
 * A command line (an npm script) split into simple commands and their words, as a POSIX shell
 * splits it, far enough to find flags and their values: quotes removed, each character of a
 * word traced back to its place in the line. Expansions (`$PORT`, `${PORT:-3000}`) stay in the
 * word as written; the caller reads them.
 */

export interface ShellWord {
  /** The word with its quotes and escapes removed. */
  value: string;
  /** at[i]: the index in the line of the value's character i. */
  at: number[];
  /** The word as written: line.slice(start, end). */
  start: number;
  end: number;
}

/** Characters that end a word and a command (`&&`, `||`, `|`, `;`, `&`, newlines, subshells). */
const OPERATOR = new Set(['&', '|', ';', '\n', '(', ')']);
const BLANK = new Set([' ', '\t', '\r']);

/** The simple commands of a line, each a list of words, in order. */
export function splitCommands(line: string): ShellWord[][] {
  const commands: ShellWord[][] = [];
  let words: ShellWord[] = [];
  let word: ShellWord | null = null;
  const endWord = (end: number) => {
    if (word) {
      word.end = end;
      words.push(word);
      word = null;
    }
  };
  const endCommand = () => {
    if (words.length > 0) commands.push(words);
    words = [];
  };
  const add = (ch: string, index: number) => {
    word ??= { value: '', at: [], start: index, end: index };
    word.value += ch;
    word.at.push(index);
  };
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (BLANK.has(c)) {
      endWord(i);
      i++;
    } else if (OPERATOR.has(c)) {
      endWord(i);
      endCommand();
      i++;
    } else if (c === '#' && word === null) {
      // A comment runs to the end of the line.
      const nl = line.indexOf('\n', i);
      i = nl === -1 ? line.length : nl;
    } else if (c === '\\') {
      if (i + 1 < line.length && line[i + 1] !== '\n') add(line[i + 1]!, i + 1);
      word ??= { value: '', at: [], start: i, end: i };
      i += 2;
    } else if (c === "'") {
      word ??= { value: '', at: [], start: i, end: i };
      const close = line.indexOf("'", i + 1);
      const stop = close === -1 ? line.length : close;
      for (let k = i + 1; k < stop; k++) add(line[k]!, k);
      i = stop + 1;
    } else if (c === '"') {
      word ??= { value: '', at: [], start: i, end: i };
      let k = i + 1;
      for (; k < line.length && line[k] !== '"'; k++) {
        // Inside double quotes a backslash escapes only these.
        if (line[k] === '\\' && k + 1 < line.length && '"\\$`'.includes(line[k + 1]!)) k++;
        add(line[k]!, k);
      }
      i = k + 1;
    } else {
      add(c, i);
      i++;
    }
  }
  endWord(Math.min(i, line.length));
  endCommand();
  return commands;
}

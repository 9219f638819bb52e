/**
 * UTF-16 string offsets → UTF-8 byte offsets, for the scan's JSON contract (spans count bytes,
 * so tools in any language can edit the file). Free for ASCII files, one table otherwise.
 */
export class ByteOffsets {
  private readonly table: Uint32Array | null;

  /** `byteLength`, when the caller knows it (it read the bytes): equal to the text's length only for ASCII, which spares the check. */
  constructor(text: string, byteLength?: number) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: an ASCII test is exactly a control-character range
    if (byteLength === text.length || (byteLength === undefined && /^[\x00-\x7f]*$/.test(text))) {
      this.table = null;
      return;
    }
    this.table = new Uint32Array(text.length + 1);
    let bytes = 0;
    for (let i = 0; i < text.length; i++) {
      this.table[i] = bytes;
      const code = text.charCodeAt(i);
      if (code < 0x80) bytes += 1;
      else if (code < 0x800) bytes += 2;
      else if (code >= 0xd800 && code <= 0xdbff) {
        // A surrogate pair is one 4-byte character: its second half adds nothing.
        bytes += 4;
        this.table[++i] = bytes;
      } else bytes += 3;
    }
    this.table[text.length] = bytes;
  }

  at(offset: number): number {
    return this.table ? this.table[offset]! : offset;
  }
}

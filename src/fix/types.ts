/** A change to a file: replace the bytes [start, end) with `text`. Offsets count UTF-8 bytes. */
export interface TextEdit {
  file: string;
  start: number;
  end: number;
  text: string;
  /** The bytes that must be there now; an edit whose text moved is refused, not applied blindly. */
  expected?: string;
}

import { utimes } from 'node:fs/promises';

/**
 * A sign of life another host can see: the file's mtime is set to now every third of `staleMs`,
 * so a reader judges it abandoned only after `staleMs` without one (the holder died, or its host
 * did). Used by the registry's lock and by a change set's journal; the timer never keeps the
 * process alive. Returns the function that stops it.
 */
export function keepFresh(file: string, staleMs: number): () => void {
  const timer = setInterval(
    () => {
      const t = new Date();
      utimes(file, t, t).catch(() => {});
    },
    Math.max(1000, Math.floor(staleMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}

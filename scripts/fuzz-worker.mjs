/**
 * One CLI process that runs many fuzz cases, one after another (`scripts/fuzz.mjs --per-process N`):
 * it loads the bundled CLI once and calls its `run(argv, ctx)` for each case, as the MCP server and
 * the in-process tests do, instead of paying a fresh Node and a fresh load of the bundle per run.
 *
 * Each case (a message { id, cwd, args }) runs in its folder (process.chdir too, so code that
 * reads the process's cwd reads the case's tree) with the process's environment (the harness's
 * clean one); the answer is { id, code, stdout, stderr, maxRss }: maxRss is this process's peak
 * resident set so far, in bytes. The harness replaces the process after any case with a problem,
 * so a peak over the limit belongs to the case that made it. An uncaught error or a process.exit
 * ends this process mid-case: the harness records that as a crash of the case.
 */
import { pathToFileURL } from 'node:url';

const [cli] = process.argv.slice(2);
const { run } = await import(pathToFileURL(cli).href);

/** The run in progress: what it writes, through its context or straight to the process's streams. */
let current = null;
for (const [stream, key] of [
  [process.stdout, 'stdout'],
  [process.stderr, 'stderr'],
]) {
  const write = stream.write.bind(stream);
  // A stray write to process.stdout would spoil a fresh process's JSON output: here it spoils the run's too.
  stream.write = (chunk, encoding, callback) => {
    if (!current) return write(chunk, encoding, callback);
    current[key].push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    (typeof encoding === 'function' ? encoding : callback)?.();
    return true;
  };
}

process.on('message', async ({ id, cwd, args }) => {
  const out = { stdout: [], stderr: [] };
  current = out;
  process.chdir(cwd);
  const ctx = {
    cwd,
    env: process.env,
    stdout: (t) => void out.stdout.push(t),
    stderr: (t) => void out.stderr.push(t),
    color: false,
    now: () => new Date(),
  };
  const code = await run(args, ctx);
  current = null;
  process.send({ id, code, stdout: out.stdout.join(''), stderr: out.stderr.join(''), maxRss: process.resourceUsage().maxRSS * 1024 });
});
process.send({ ready: true });

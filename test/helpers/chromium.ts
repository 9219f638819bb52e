/**
 * Headless Chromium for the tests of pages: Debian's `chromium` (installed by .ci/run), driven by
 * playwright-core, never a downloaded browser. PORTREG_CHROMIUM names another binary. The flags
 * live in chromium.json, which bench/map.mjs reads too.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import settings from './chromium.json' with { type: 'json' };

export const CHROMIUM = process.env.PORTREG_CHROMIUM || settings.executablePath;

/** Why the browser tests cannot run here, or null when they can. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium, as .ci/run does) or set PORTREG_CHROMIUM`;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: settings.args, timeout: 60_000 });
}

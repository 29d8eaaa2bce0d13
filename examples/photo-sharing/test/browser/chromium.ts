/**
 * Starts Debian's Chromium through playwright-core, with a fresh profile.
 * Playwright's own browser downloads are never used: the machine's Chromium
 * (`apt-get install chromium`, which .ci/run does) is the one tested.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet headless run: no GPU, no sandbox (the tests run as root), no background traffic. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface RunningBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Returns why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  return `${CHROMIUM_PATH} does not exist. Install it with \`apt-get update && apt-get install -y chromium\` (.ci/run does).`;
}

export async function launchChromium(viewport = { width: 1280, height: 900 }): Promise<RunningBrowser> {
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'strato-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

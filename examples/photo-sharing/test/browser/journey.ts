/**
 * Steps of a browser journey that fail with a clear message: the step's
 * name, what went wrong, a screenshot of the page at that moment, and the
 * last lines of the browser console and of the local cloud's log.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import type { Page } from 'playwright-core';

export class Journey {
  readonly #consoleLines: string[] = [];
  #shots = 0;

  constructor(
    readonly page: Page,
    /** Folder of the screenshots, kept as test artifacts. */
    readonly artifactsDir: string,
    /** The local cloud's log so far. */
    private readonly cloudLogs: readonly string[],
  ) {
    mkdirSync(artifactsDir, { recursive: true });
    page.on('console', (message) => this.#consoleLines.push(`[console.${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => this.#consoleLines.push(`[page error] ${error.message}`));
    page.on('requestfailed', (request) => this.#consoleLines.push(`[request failed] ${request.method()} ${request.url()}: ${request.failure()?.errorText}`));
  }

  /** Runs one step, then saves a screenshot named after it. */
  async step(name: string, action: () => Promise<void>): Promise<void> {
    const file = `${String(++this.#shots).padStart(2, '0')}-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    try {
      await action();
    } catch (error) {
      const shot = path.join(this.artifactsDir, `${file}-FAILED.png`);
      await this.page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
      throw new Error([
        `Step "${name}" failed: ${(error as Error).message}`,
        `Screenshot: ${shot}`,
        `Browser console (last 20 lines):\n${this.#consoleLines.slice(-20).join('\n') || '(empty)'}`,
        `Local cloud log (last 30 lines):\n${this.cloudLogs.slice(-30).join('\n')}`,
      ].join('\n\n'), { cause: error });
    }
    await this.page.screenshot({ path: path.join(this.artifactsDir, `${file}.png`), fullPage: true });
  }
}

/** Problems a screen-reader user would meet: form fields without a label, images without alt text. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const field of document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')) {
      const labelled = (field.labels?.length ?? 0) > 0 || field.hasAttribute('aria-label') || field.hasAttribute('aria-labelledby');
      if (!labelled) problems.push(`<${field.tagName.toLowerCase()} type="${field.getAttribute('type') ?? ''}" id="${field.id}"> has no label`);
    }
    for (const image of document.querySelectorAll('img')) {
      if (!image.getAttribute('alt')?.trim()) problems.push(`<img src="${image.src.slice(0, 80)}"> has no alt text`);
    }
    for (const button of document.querySelectorAll('button')) {
      if (!button.textContent?.trim() && !button.hasAttribute('aria-label')) problems.push('a <button> has no text');
    }
    return problems;
  });
}

/** Returns by how many pixels the page is wider than the viewport; 0 when nothing scrolls sideways. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

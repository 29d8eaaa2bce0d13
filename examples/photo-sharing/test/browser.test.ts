/**
 * The web UI end to end in headless Chromium, against the reference
 * application in the local cloud. The journey: sign up, confirm with the captured code,
 * sign in, upload a real camera photo, see its thumbnail in one's photos and
 * in the feed, like and open it, see it trending, check labels, alt text
 * and a phone-sized screen, sign out.
 * Screenshots of every step go to test-artifacts/browser/.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { buildSite } from '../../../packages/strato/src/local/sites/index.ts';
import { loadApp } from '../../../packages/strato/src/model/index.ts';
import { chromiumMissing, launchChromium, type RunningBrowser } from './browser/chromium.ts';
import { accessibilityProblems, horizontalOverflow, Journey } from './browser/journey.ts';
import { APP_DIR, SAMPLE_PHOTOS_DIR, startPhotoSharing, type RunningApp } from './helpers.ts';

const ARTIFACTS_DIR = path.resolve(APP_DIR, '../../test-artifacts/browser');
const SAMPLE_PHOTO = path.join(SAMPLE_PHOTOS_DIR, 'leaf-exif-canon.jpg');
const EMAIL = 'ada@example.com';
const PASSWORD = 'Correct-Horse-9';
const PHONE = { width: 375, height: 740 };

// .ci/run installs Chromium; elsewhere its absence fails the test with the install command, the same way everywhere.
const missing = chromiumMissing();

let running: RunningApp;
let browser: RunningBrowser;

before(async () => {
  if (missing) throw new Error(missing);
  rmSync(ARTIFACTS_DIR, { recursive: true, force: true });

  // The same build `strato dev` runs at start: `npm run build` in web/.
  const app = await loadApp(APP_DIR);
  for (const site of app.sites) await buildSite(site);

  running = await startPhotoSharing();
  browser = await launchChromium();
  browser.context.setDefaultTimeout(15_000);
});

after(async () => {
  await browser?.close();
  await running?.stop();
});

// The journey took about 20 s with the machine's two cores busy with other work; the limit leaves room for a slower machine.
test('web journey from sign-up to sign-out', { timeout: 180_000 }, async () => {
  const page = await browser.context.newPage();
  const journey = new Journey(page, ARTIFACTS_DIR, running.logs);
  const heading = (name: string) => page.getByRole('heading', { name, exact: true });

  await journey.step('open the page', async () => {
    await page.goto(running.url);
    await heading('Sign in').waitFor();
    await page.getByRole('heading', { name: 'Feed' }).waitFor();
    assert.deepEqual(await accessibilityProblems(page), []);
  });

  await journey.step('create an account', async () => {
    await page.getByRole('button', { name: 'Create an account' }).click();
    await heading('Create an account').waitFor();
    await page.getByLabel('E-mail address').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await heading('Confirm your account').waitFor();
    assert.deepEqual(await accessibilityProblems(page), []);
  });

  await journey.step('confirm with the captured code', async () => {
    // Nothing is e-mailed locally: the user pool keeps the message at this endpoint.
    const response = await fetch(`${running.url}/_strato/cognito/messages?username=${encodeURIComponent(EMAIL)}`);
    const { messages } = (await response.json()) as { messages: { kind: string; code: string | null }[] };
    const code = messages.find((message) => message.kind === 'sign-up')?.code;
    assert.ok(code, `no sign-up code was captured for ${EMAIL}; messages: ${JSON.stringify(messages)}`);

    await page.getByLabel('Confirmation code').fill(code);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await heading('Sign in').waitFor();
    await page.getByText('Your account is confirmed').waitFor();
  });

  await journey.step('sign in', async () => {
    assert.equal(await page.getByLabel('E-mail address').inputValue(), EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText(`Signed in as ${EMAIL}`).waitFor();
    await heading('Upload photos').waitFor();
    assert.deepEqual(await accessibilityProblems(page), []);
  });

  await journey.step('upload a camera photo', async () => {
    await page.getByLabel('Choose photos').setInputFiles(SAMPLE_PHOTO);
    const uploads = page.getByRole('list', { name: 'Uploads' });
    await uploads.getByRole('progressbar', { name: 'leaf-exif-canon.jpg' }).waitFor();
    await uploads.getByText('Uploaded').waitFor({ timeout: 20_000 });
    assert.equal(await uploads.getByRole('progressbar').getAttribute('value'), '100');
  });

  await journey.step('see the thumbnail in your photos', async () => {
    const image = page.getByRole('list', { name: 'Your photos' }).getByRole('img', { name: /^leaf-exif-canon\.jpg, uploaded / });
    await image.waitFor({ timeout: 40_000 });
    await page.waitForFunction((element) => element instanceof HTMLImageElement && element.complete && element.naturalWidth > 0, await image.elementHandle());
    const width = await image.evaluate((element) => (element as HTMLImageElement).naturalWidth);
    assert.ok(width > 0, 'the thumbnail has no pixels');
    assert.ok(width <= 1280, `the thumbnail is ${width} px wide, and thumbnails are at most 1280 px`);
  });

  await journey.step('see the photo in the feed', async () => {
    const feed = page.getByRole('list', { name: 'Feed' });
    await feed.getByRole('img', { name: /^leaf-exif-canon\.jpg, uploaded / }).waitFor({ timeout: 20_000 });
    await feed.getByText('by you').waitFor();
    assert.deepEqual(await accessibilityProblems(page), []);
  });

  await journey.step('like the photo', async () => {
    const like = page.getByRole('list', { name: 'Feed' }).getByRole('button', { name: 'Like leaf-exif-canon.jpg' });
    await like.click();
    await page.waitForFunction((element) => element?.getAttribute('aria-pressed') === 'true', await like.elementHandle());
    assert.match(await like.innerText(), /Liked/);
  });

  await journey.step('open the photo large', async () => {
    const open = page.getByRole('list', { name: 'Feed' }).getByRole('button', { name: 'Open leaf-exif-canon.jpg' });
    await open.click();
    const dialog = page.getByRole('dialog', { name: 'leaf-exif-canon.jpg' });
    const image = dialog.getByRole('img');
    await image.waitFor();
    await page.waitForFunction((element) => element instanceof HTMLImageElement && element.complete && element.naturalWidth > 0, await image.elementHandle());
    assert.equal(await image.evaluate((element) => (element as HTMLImageElement).naturalWidth), 1280, 'the dialog shows the 1280 px thumbnail');
    assert.deepEqual(await accessibilityProblems(page), []);

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  await journey.step('see the photo trending', async () => {
    // The stream consumer counts likes and views in batches of up to a second, and the list reloads every few seconds.
    const trending = page.getByRole('list', { name: 'Trending' });
    await trending.getByRole('img', { name: /^leaf-exif-canon\.jpg, uploaded / }).waitFor({ timeout: 20_000 });
    await trending.getByText('1 like · 1 view').waitFor({ timeout: 20_000 });
  });

  await journey.step('use it on a phone', async () => {
    await page.setViewportSize(PHONE);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    assert.equal(await horizontalOverflow(page), 0, `the page scrolls sideways at ${PHONE.width} px`);
    const box = await page.getByRole('list', { name: 'Feed' }).getByRole('img').first().boundingBox();
    assert.ok(box, 'the feed photo is not displayed');
    assert.ok(box.x >= 0, `a feed photo starts left of the screen: ${JSON.stringify(box)}`);
    assert.ok(box.x + box.width <= PHONE.width, `a feed photo ends past the ${PHONE.width} px screen: ${JSON.stringify(box)}`);
  });

  await journey.step('sign out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await heading('Sign in').waitFor();
    assert.equal(await page.getByText(`Signed in as ${EMAIL}`).count(), 0);
    // Reading the feed needs no account.
    await page.getByRole('list', { name: 'Feed' }).getByRole('img').first().waitFor();
    const focused = await page.waitForFunction(() => document.activeElement?.textContent === 'Sign in', undefined, { timeout: 5000 })
      .then(() => true, () => false);
    assert.ok(focused, `focus should move to the "Sign in" heading; it is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))}`);
  });
});

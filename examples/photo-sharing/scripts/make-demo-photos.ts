/**
 * Draws the demo photos in `demo-photos/`. They are committed, so this runs
 * only to change them: `npx tsx scripts/make-demo-photos.ts`.
 *
 * - harbour.jpg: a landscape, 1600x1000, with camera EXIF.
 * - lighthouse.jpg: a portrait stored on its side, as phones store them: the
 *   pixels are 1200x900, and EXIF orientation 6 means they display turned 90° clockwise.
 *   Its EXIF also carries a GPS location, which the thumbnails must not keep.
 * - badge.png: 240x160 with transparency, smaller than both thumbnail sizes.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import sharp from 'sharp';

const OUTPUT_DIR = path.join(import.meta.dirname, '../demo-photos');

const CAMERA = { Make: 'Strato', Model: 'Demo Camera' };

/** A GPS position as EXIF writes it: degrees, minutes and seconds as rationals. */
const GPS_POSITION = {
  GPSLatitudeRef: 'N',
  GPSLatitude: '48/1 23/1 1250/100',
  GPSLongitudeRef: 'W',
  GPSLongitude: '4/1 46/1 3075/100',
};

const HARBOUR_SVG = `
<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1000">
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#f6a06a"/><stop offset="1" stop-color="#fde3b0"/>
    </linearGradient>
    <linearGradient id="sea" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#2f6f8f"/><stop offset="1" stop-color="#173a52"/>
    </linearGradient>
  </defs>
  <rect width="1600" height="620" fill="url(#sky)"/>
  <circle cx="1150" cy="520" r="120" fill="#ffd27a"/>
  <rect y="600" width="1600" height="400" fill="url(#sea)"/>
  <path d="M300 700 h260 l-40 60 h-180 z" fill="#5b3a29"/>
  <path d="M430 700 v-220 l120 200 z" fill="#f4f1e8"/>
  <path d="M900 820 h180 l-30 40 h-120 z" fill="#3b2a20"/>
  <path d="M990 820 v-150 l80 130 z" fill="#e9e4d4"/>
</svg>`;

const LIGHTHOUSE_SVG = `
<svg xmlns="http://www.w3.org/2000/svg" width="900" height="1200">
  <rect width="900" height="1200" fill="#9fd3f0"/>
  <rect y="980" width="900" height="220" fill="#6b8f5a"/>
  <path d="M380 980 L410 320 H490 L520 980 Z" fill="#f7f7f2"/>
  <path d="M392 720 L404 560 H496 L508 720 Z" fill="#d2403a"/>
  <path d="M386 880 L390 800 H510 L514 880 Z" fill="#d2403a"/>
  <rect x="400" y="250" width="100" height="70" fill="#ffe28a"/>
  <path d="M390 250 L450 170 L510 250 Z" fill="#333f48"/>
</svg>`;

const BADGE_SVG = `
<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160">
  <rect x="10" y="10" width="220" height="140" rx="28" fill="#4b6cb7"/>
  <circle cx="80" cy="80" r="40" fill="#ffffff"/>
  <rect x="135" y="55" width="70" height="50" rx="10" fill="#ffcc4d"/>
</svg>`;

async function makeHarbour(): Promise<void> {
  await sharp(Buffer.from(HARBOUR_SVG))
    .jpeg({ quality: 80 })
    .withExif({ IFD0: CAMERA })
    .toFile(path.join(OUTPUT_DIR, 'harbour.jpg'));
}

async function makeLighthouse(): Promise<void> {
  // Orientation 6 means the stored pixels must turn 90° clockwise to stand
  // upright, so the upright drawing is stored turned 90° counter-clockwise.
  const sideways = await sharp(Buffer.from(LIGHTHOUSE_SVG)).rotate(270).toBuffer();
  await sharp(sideways)
    .jpeg({ quality: 80 })
    .withExif({ IFD0: CAMERA, IFD3: GPS_POSITION })
    .withMetadata({ orientation: 6 })
    .toFile(path.join(OUTPUT_DIR, 'lighthouse.jpg'));
}

async function makeBadge(): Promise<void> {
  await sharp(Buffer.from(BADGE_SVG)).png().toFile(path.join(OUTPUT_DIR, 'badge.png'));
}

mkdirSync(OUTPUT_DIR, { recursive: true });
await Promise.all([makeHarbour(), makeLighthouse(), makeBadge()]);
console.log(`Wrote the demo photos to ${OUTPUT_DIR}.`);

import { spawn } from 'node:child_process';

import type { SiteModel } from '../../model/index.ts';

/** Runs a site's build command in its folder; rejects with the command's output when it fails. */
export async function buildSite(site: SiteModel): Promise<void> {
  if (!site.build) return;

  const child = spawn(site.build, { cwd: site.cwd, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });

  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) {
    throw new Error(`The build command of site ${site.id} failed with exit code ${code}: \`${site.build}\` in ${site.cwd}\n${output.slice(-4000)}`);
  }
}

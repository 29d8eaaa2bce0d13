/**
 * The secret that signs this local cloud's presigned URLs: 32 random bytes,
 * created on first use and kept in the state folder, so URLs stay valid
 * across restarts and differ between applications.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SECRET_FILE = 'presign-secret';

export function loadSigningSecret(stateDir: string): string {
  const file = path.join(stateDir, SECRET_FILE);
  mkdirSync(stateDir, { recursive: true });

  // Write a complete file under a temporary name, then link it into place: link fails when the
  // secret exists, so two processes starting at once both read the first one, never a partial file.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, randomBytes(32).toString('hex'), { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  return readFileSync(file, 'utf8').trim();
}

import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Thrown when another running local cloud uses the state folder. */
export class StateDirInUseError extends Error {
  constructor(readonly stateDir: string, readonly pid: number) {
    super(`The state folder ${stateDir} is in use by another local cloud (process ${pid}). ` +
      'Stop that one first (Ctrl-C in its terminal), then run this command again.');
    this.name = 'StateDirInUseError';
  }
}

const LOCK_FILE = 'cloud.lock';

/**
 * Takes the state folder for this process. Two local clouds on one folder
 * would each deliver the same events and PGlite databases would diverge,
 * because PGlite has no lock between processes. A lock left by a process
 * that no longer runs (one killed with SIGKILL) is taken over.
 * Returns the function that releases the lock.
 */
export function lockStateDir(stateDir: string): () => void {
  const file = path.join(stateDir, LOCK_FILE);

  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }

    const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(holder) && isRunning(holder)) throw new StateDirInUseError(stateDir, holder);
    rmSync(file, { force: true });
  }
  throw new Error(`Could not take the lock ${file}; remove it if no local cloud is running.`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

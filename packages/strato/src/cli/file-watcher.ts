/**
 * Watches an application folder and its subfolders for changes. Node 20's
 * recursive `fs.watch` takes no list of folders to skip, so it would also
 * watch `node_modules` and the local cloud's state. This watcher sets one
 * non-recursive watch per folder it does not skip.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Folders whose changes never call for a reload: dependencies, local state, build output. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.strato', '.git', 'cdk.out', 'dist', 'test-artifacts']);

export interface FileWatcherOptions {
  readonly root: string;
  /** Folders outside `root` to watch as well, such as a migrations folder that the config names with `../`. */
  readonly extraFolders?: readonly string[];
  /** Receives the absolute paths that changed, gathered over `debounceMs`. */
  readonly onChange: (files: readonly string[]) => void;
  /** @default 100 */
  readonly debounceMs?: number;
}

export class FileWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(private readonly options: FileWatcherOptions) {}

  /** Starts watching every folder under `root` and `extraFolders`, and resolves once each has its watch. */
  static async start(options: FileWatcherOptions): Promise<FileWatcher> {
    const watcher = new FileWatcher(options);
    await Promise.all([options.root, ...(options.extraFolders ?? [])].map((folder) => watcher.watchTree(folder)));
    return watcher;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  private async watchTree(dir: string): Promise<void> {
    if (this.closed || this.watchers.has(dir)) return;

    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
      const watcher = watch(dir, (_eventType, fileName) => this.record(dir, fileName));
      // A watched folder that is removed reports an error, and its parent's watch records the removal.
      watcher.on('error', () => this.unwatch(dir));
      this.watchers.set(dir, watcher);
    } catch {
      return; // The folder disappeared between the listing and the watch.
    }

    const folders = entries.filter((entry) => entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.'));
    await Promise.all(folders.map((entry) => this.watchTree(path.join(dir, entry.name))));
  }

  private unwatch(dir: string): void {
    this.watchers.get(dir)?.close();
    this.watchers.delete(dir);
  }

  private record(dir: string, fileName: string | Buffer | null): void {
    if (this.closed || fileName === null) return;
    const name = fileName.toString();
    if (SKIPPED_FOLDERS.has(name) || name.startsWith('.')) return;

    const file = path.join(dir, name);
    this.pending.add(file);
    // A new folder gets its own watch; for a file, watchTree finds no folder and returns.
    void this.watchTree(file);

    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.options.debounceMs ?? 100);
  }

  private flush(): void {
    const files = [...this.pending];
    this.pending.clear();
    if (files.length > 0 && !this.closed) this.options.onChange(files);
  }
}

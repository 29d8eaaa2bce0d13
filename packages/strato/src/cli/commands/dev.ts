/**
 * `strato dev [dir]`: runs an application in the local cloud, prints its
 * URLs, reloads what changed and stops cleanly on Ctrl-C.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { LocalCloud, PortInUseError } from '../../local/index.ts';
import { buildSite } from '../../local/sites/index.ts';
import { CONFIG_FILE, loadApp, ModelError, type AppModel } from '../../model/index.ts';
import type { LogLevel } from '../../observe/logger.ts';
import { FileWatcher } from '../file-watcher.ts';

export interface DevCommandOptions {
  readonly appDir: string;
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  /** Writes one line of output for the user. */
  readonly print: (line: string) => void;
  /** Resolves when the command should stop; the CLI passes a promise that SIGINT or SIGTERM settles. */
  readonly stopSignal: Promise<string>;
}

/**
 * Extensions of the files whose changes reload functions. Other files, such
 * as logs the application writes into its own folder, would otherwise cause
 * a reload after every write.
 */
const SOURCE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx', '.json', '.py']);

/** Runs until the stop signal, then stops the local cloud; returns the exit code. */
export async function devCommand(options: DevCommandOptions): Promise<number> {
  const startedAt = performance.now();
  const { print } = options;

  const app = await loadApp(options.appDir);
  let cloud: LocalCloud;
  try {
    cloud = await LocalCloud.start({ app, port: options.port, host: options.host, logLevel: options.logLevel, logSink: print });
  } catch (error) {
    if (error instanceof PortInUseError) {
      throw new Error(`${error.message} Stop the program that uses it, or pick another port with --port, such as --port ${error.port + 1}.`);
    }
    throw error;
  }

  const watcher = await FileWatcher.start({
    root: app.root,
    extraFolders: migrationFoldersOutside(app),
    onChange: (files) => {
      const migrations = files.filter((file) => isMigration(cloud.app, file));
      if (migrations.length > 0) applyNewMigrations(cloud, migrations, print);

      const sources = files.filter((file) => isFunctionSource(cloud.app, file));
      if (sources.length === 0) return;
      applyChanges(cloud, sources, print).catch((error: unknown) => print(`error: reloading failed: ${(error as Error).message}`));
    },
  });

  printUrls(app, cloud.url, print);
  print(`Ready in ${Math.round(performance.now() - startedAt)} ms. Watching ${app.root} for changes; press Ctrl-C to stop.`);
  buildSites(app, print);

  const signal = await options.stopSignal;
  print(`Received ${signal}, stopping...`);
  watcher.close();
  await cloud.stop();
  print('Stopped.');
  return 0;
}

/** Prints the API's base URL, one line per route, and the sites, which serve the paths no route takes. */
function printUrls(app: AppModel, baseUrl: string, print: (line: string) => void): void {
  print(`API: ${baseUrl}`);
  const width = Math.max(0, ...app.routes.map((route) => route.method.length));
  for (const route of app.routes) {
    print(`  ${route.method.padEnd(width)}  ${baseUrl}${route.path}  -> ${route.functionId}`);
  }
  for (const site of app.sites) print(`Site ${site.id}: ${baseUrl}/ from ${path.relative(app.root, site.dir) || '.'}`);
}

/**
 * Runs the sites' build commands after the cloud is ready, so a slow build
 * does not delay the API. Until a build ends, the site serves its previous
 * build, if any.
 */
function buildSites(app: AppModel, print: (line: string) => void): void {
  for (const site of app.sites) {
    if (!site.build) continue;
    const startedAt = performance.now();
    print(`Building site ${site.id}: ${site.build}`);
    buildSite(site).then(
      () => print(`Built site ${site.id} in ${Math.round(performance.now() - startedAt)} ms.`),
      (error: unknown) => print(`error: ${(error as Error).message}`),
    );
  }
}

/** Returns true for a source file outside the sites' folders, whose build output changes no function. */
function isFunctionSource(app: AppModel, file: string): boolean {
  if (!SOURCE_EXTENSIONS.has(path.extname(file))) return false;
  return !app.sites.some((site) => file.startsWith(site.dir + path.sep));
}

/** Returns true for a `.sql` file in the migrations folder of a database. */
function isMigration(app: AppModel, file: string): boolean {
  if (path.extname(file) !== '.sql') return false;
  return app.databases.some((database) => database.migrationsDir !== undefined && path.dirname(file) === database.migrationsDir);
}

/** Returns the migrations folders that lie outside the application folder, which the watcher would not see otherwise. */
function migrationFoldersOutside(app: AppModel): string[] {
  const folders = app.databases.map((database) => database.migrationsDir).filter((folder) => folder !== undefined);
  return [...new Set(folders)].filter((folder) => path.relative(app.root, folder).startsWith('..'));
}

/**
 * Hands the databases to the engine again after migration files changed.
 * The engine applies the new files to each open database and opens again a
 * database whose migrations failed when it first opened. It logs the
 * migrations it applied and any that failed.
 * NOTE: a migration that was already applied is not run again when it changes;
 * the change takes a fresh state folder.
 */
function applyNewMigrations(cloud: LocalCloud, files: readonly string[], print: (line: string) => void): void {
  const names = files.map((file) => path.relative(cloud.app.root, file)).join(', ');
  print(`Applying new migrations after ${names} changed.`);
  cloud.parts.databases.update(cloud.app.databases);
}

/**
 * Reloads after files changed. A change to the config reloads the whole
 * model; any other change rebundles the functions whose bundles include a
 * changed file.
 */
async function applyChanges(cloud: LocalCloud, files: readonly string[], print: (line: string) => void): Promise<void> {
  const configChanged = files.some((file) => path.basename(file) === CONFIG_FILE && path.dirname(file) === cloud.app.root);
  const names = files.map((file) => path.relative(cloud.app.root, file)).join(', ');

  if (configChanged) {
    let app: AppModel;
    try {
      app = await loadApp(cloud.app.root);
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      print(`${error.message}\nThe previous config stays in use until the problems are fixed.`);
      return;
    }
    cloud.setApp(app);
    await cloud.reload();
    print(`Reloaded the application after ${names} changed.`);
    printUrls(app, cloud.url, print);
    return;
  }

  // Functions that include none of the changed files keep their warm environments.
  const affected = await cloud.functionsAffectedBy(files);
  if (affected.length === 0) return;
  await cloud.reload(affected);
  print(`Reloaded ${affected.join(', ')} after ${names} changed.`);
}

/**
 * An in-process channel to the resource router, installed where an execution
 * environment installs its own. Inputs, outputs and errors are cloned as a
 * worker's message port clones them, so the clients see what they would see
 * in a worker.
 */
import { CHANNEL_KEY, type ClientChannel, type ResourceRouter } from '../../src/runtime/channel.ts';
import type { AppModel } from '../../src/model/index.ts';

export interface InstalledChannel {
  /** Acts as this function from now on: its environment variables and its identity on calls. */
  actAs(functionId: string): void;
  /** Replaces the router that calls go to. */
  useRouter(router: ResourceRouter, app: AppModel): void;
}

export function installChannel(): InstalledChannel {
  let router: ResourceRouter | undefined;
  let app: AppModel | undefined;
  let callerId = '';
  let nextId = 1;
  const setVariables = new Set<string>();

  const channel: ClientChannel = {
    async call(kind, resource, op, input) {
      if (!router) throw new Error('No router is installed; call useRouter first.');
      try {
        const output = await router.handle(callerId, { id: nextId++, kind, resource, op, input: structuredClone(input) });
        return structuredClone(output);
      } catch (error) {
        // The runtime sends only the name and message of an error over the port.
        const { name, message } = error as Error;
        const copy = new Error(message);
        copy.name = name;
        throw copy;
      }
    },
  };
  (globalThis as Record<symbol, unknown>)[CHANNEL_KEY] = channel;

  return {
    actAs(functionId) {
      const fn = app?.functions.find((candidate) => candidate.id === functionId);
      if (!fn) throw new Error(`No function "${functionId}" in the installed app.`);
      for (const name of setVariables) delete process.env[name];
      setVariables.clear();
      for (const [name, value] of Object.entries(fn.environment)) {
        process.env[name] = value;
        setVariables.add(name);
      }
      callerId = functionId;
    },
    useRouter(newRouter, newApp) {
      router = newRouter;
      app = newApp;
    },
  };
}

/**
 * The library users import in `strato.config.ts`.
 */
import type { AppConfig } from './model/config.ts';

export type * from './model/config.ts';

/** Declares an application. Returns the config unchanged, typed, so editors check it as it is written. */
export function defineApp<const T extends AppConfig>(config: T): T {
  return config;
}

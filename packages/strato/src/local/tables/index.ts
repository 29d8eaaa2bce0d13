export { createTableStore, type TableStoreOptions } from './store.ts';
export { TableError, type TableErrorName } from './errors.ts';
export { ITEM_MAX_BYTES } from './size.ts';
export type * from './types.ts';

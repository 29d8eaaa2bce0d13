/** Counting what the crash test's consumers recorded, against what was acknowledged. */

/** The paths an id takes from `POST /produce` to a consumer, as the consumers name them in `delivered.log`. */
export const DELIVERY_PATHS = ['queue', 'stream', 'bus', 'relay', 'upload', 'change'] as const;

export type DeliveryPath = (typeof DELIVERY_PATHS)[number];

export interface PathCount {
  /** Lines recorded, duplicates included. */
  readonly delivered: number;
  /** Distinct ids recorded. */
  readonly unique: number;
  /** Acknowledged ids never recorded. */
  readonly missing: readonly string[];
  /** Recorded ids that were never sent: a consumer received data no producer wrote. */
  readonly unknown: readonly string[];
}

export type DeliveryCounts = Record<DeliveryPath, PathCount>;

/** Counts the `<path> <id>` lines of a delivery log for each path, against the ids sent and those acknowledged. */
export function countDeliveries(log: string, sent: (id: string) => boolean, acknowledged: ReadonlySet<string>): DeliveryCounts {
  const lines = new Map<DeliveryPath, number>(DELIVERY_PATHS.map((name) => [name, 0]));
  const seen = new Map<DeliveryPath, Set<string>>(DELIVERY_PATHS.map((name) => [name, new Set()]));

  // Only lines that end in a newline count. Each append is one write(2), so the kill cannot cut a line,
  // but a reader can see a write in progress.
  const completeLines = log.split('\n').slice(0, -1);
  for (const line of completeLines) {
    const [name, id] = line.split(' ') as [DeliveryPath, string | undefined];
    const ids = seen.get(name);
    if (!ids || !id) continue;
    lines.set(name, lines.get(name)! + 1);
    ids.add(id);
  }

  const counts = {} as Record<DeliveryPath, PathCount>;
  for (const name of DELIVERY_PATHS) {
    const ids = seen.get(name)!;
    counts[name] = {
      delivered: lines.get(name)!,
      unique: ids.size,
      missing: [...acknowledged].filter((id) => !ids.has(id)),
      unknown: [...ids].filter((id) => !sent(id)),
    };
  }
  return counts;
}

/** Returns a generator of numbers in [0, 1) that repeats for the same seed (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

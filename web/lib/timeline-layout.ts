/**
 * Side by side where they overlap (docs/PROTOCOL.md W72): the items of one day
 * column are laid out in lanes, as calendars do — each item takes the first
 * lane free at its start; a run of items that overlap one another (a cluster)
 * shares its width among the lanes it needed. Plain code, tested in Node
 * (tests/unit/timeline-layout.test.ts).
 */

/** What layout needs of an item: an id and a span in minutes of its day (end > start). */
export type LaidIn = { key: string; start: number; end: number };
/** Where it goes: lane index and lane count of its cluster (left = lane / lanes, width = 1 / lanes). */
export type Placed = { key: string; lane: number; lanes: number };

/**
 * Lanes for `items`: no two items that overlap share a lane; items are sorted
 * by start, then longest first (the long one on the left, as calendars show it).
 * Touching is not overlapping: 9–10 and 10–11 share a lane.
 */
export function layoutLanes(items: readonly LaidIn[]): Placed[] {
  const sorted = [...items].sort((a, b) => a.start - b.start || b.end - a.end || a.key.localeCompare(b.key));
  const placed: Placed[] = [];
  let cluster: Placed[] = [];
  let clusterEnd = -Infinity;
  /** The lanes' last ends in the current cluster. */
  let laneEnds: number[] = [];
  const close = () => {
    for (const p of cluster) p.lanes = laneEnds.length;
    cluster = [];
    laneEnds = [];
  };
  for (const item of sorted) {
    if (item.start >= clusterEnd) close();
    let lane = laneEnds.findIndex((end) => end <= item.start);
    if (lane < 0) {
      lane = laneEnds.length;
      laneEnds.push(item.end);
    } else laneEnds[lane] = item.end;
    const p: Placed = { key: item.key, lane, lanes: 1 };
    placed.push(p);
    cluster.push(p);
    clusterEnd = Math.max(clusterEnd, item.end);
  }
  close();
  return placed;
}

import { describe, expect, it } from "vitest";
import { Random } from "../../devnet/random";
import { type BlockTime, lastBlockAtOrBefore } from "../../lib/block-search";

/** A chain's timestamps, with the calls the search made to read them. */
function chain(timestamps: number[]) {
  const asked: number[] = [];
  const timestampOf = async (block: number) => {
    asked.push(block);
    return timestamps[block]!;
  };
  const at = (block: number): BlockTime => ({ block, timestamp: timestamps[block]! });
  /** The expectation, by a scan of every block. */
  const scan = (time: number) => timestamps.filter((timestamp) => timestamp <= time).length - 1;
  return { asked, timestampOf, at, scan };
}

describe("lastBlockAtOrBefore", () => {
  it("asks for no block when the bounds are neighbours", async () => {
    const { asked, timestampOf, at } = chain([100, 102, 104, 106]);
    expect(await lastBlockAtOrBefore(103, at(1), at(2), timestampOf)).toEqual({ block: 1, timestamp: 102 });
    expect(asked).toEqual([]);
  });

  it("lands on a regular chain's block in one call", async () => {
    const timestamps = Array.from({ length: 100_000 }, (_, block) => 1_000 + 2 * block);
    const { asked, timestampOf, at } = chain(timestamps);
    expect(await lastBlockAtOrBefore(1_000 + 2 * 70_000 + 1, at(0), at(99_999), timestampOf)).toEqual(at(70_000));
    expect(asked.length).toBeLessThanOrEqual(2);
  });

  it("matches a scan on irregular chains, including equal timestamps and hour-long gaps, in logarithmic calls", async () => {
    const random = new Random(7);
    for (let round = 0; round < 50; round++) {
      const timestamps = [random.int(0, 1000)];
      for (let block = 1; block < 5000; block++)
        timestamps.push(timestamps[block - 1]! + (random.int(0, 9) === 0 ? random.int(0, 3600) : random.int(0, 3)));
      const { asked, timestampOf, at, scan } = chain(timestamps);
      const last = timestamps.length - 1;
      const time = random.int(timestamps[0]!, timestamps[last]! - 1);
      asked.length = 0;
      const found = await lastBlockAtOrBefore(time, at(0), at(last), timestampOf);
      expect(found.block).toBe(scan(time));
      expect(asked.length).toBeLessThanOrEqual(3 * Math.ceil(Math.log2(timestamps.length)) + 3);
    }
  });

  it("refuses bounds that do not bracket the time", async () => {
    const { timestampOf, at } = chain([100, 102, 104]);
    await expect(lastBlockAtOrBefore(99, at(0), at(2), timestampOf)).rejects.toThrow(RangeError);
    await expect(lastBlockAtOrBefore(104, at(0), at(2), timestampOf)).rejects.toThrow(RangeError);
  });
});

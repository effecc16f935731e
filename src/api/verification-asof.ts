import { db } from "ponder:api";
import { heartbeat, individualSettlement, teeEvent, teeHeartbeatMaxAge, teeNode } from "ponder:schema";
import { sql } from "ponder";
import { appConfig } from "../../lib/env";
import { REGISTRY_DEFAULT_HEARTBEAT_MAX_AGE, teeState } from "../../lib/verification";
import type { BlockRef } from "./asof";
import { type AsOf, perPosition } from "./http";
import { executeNamed } from "./queries/statements";

/** A block the answer is exact to: `asOf` names it, and nothing after it is read. */
type Position = BlockRef;

type Row = Record<string, string | number | boolean | null>;
const big = (value: unknown) => (value === null || value === undefined ? null : BigInt(value as string));
const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const later = (a: { block: bigint; log: number } | null, b: { block: bigint; log: number } | null) =>
  !a ? b : !b ? a : a.block > b.block || (a.block === b.block && a.log > b.log) ? a : b;

/** Each registry's heartbeat max age in force at `block`, unless TEE_HEARTBEAT_MAX_AGE_SECONDS overrides it. */
async function maxAgesAt(block: number): Promise<(registry: string | null) => number> {
  const override = appConfig.teeHeartbeatMaxAgeSeconds;
  if (override !== null) return () => override;
  const rows = await executeNamed<Row>(
    db,
    sql`select distinct on (registry) registry, max_age_seconds from ${teeHeartbeatMaxAge}
        where block_number <= ${block} order by registry, block_number desc`,
  );
  const byRegistry = new Map(rows.map((row) => [String(row.registry), Number(row.max_age_seconds)]));
  return (registry) => (registry !== null && byRegistry.get(registry)) || REGISTRY_DEFAULT_HEARTBEAT_MAX_AGE;
}

/**
 * Every TEE as it stood after `position.block`, rebuilt from the event tables (one indexed lookup
 * per TEE and table), so the state is the registry's `isTEEActive` at that block and nothing newer
 * is read, at the latest block or any earlier one.
 */
export async function teesAt(position: Position, filter: { teeId?: `0x${string}`; type?: number } = {}) {
  const n = position.block;
  const where = sql.join(
    [
      sql`t.first_seen_block <= ${n}`,
      ...(filter.teeId === undefined ? [] : [sql`t.id = ${filter.teeId}`]),
      ...(filter.type === undefined ? [] : [sql`t.tee_type = ${filter.type}`]),
    ],
    sql` and `,
  );
  const [rows, maxAgeOf] = await Promise.all([
    executeNamed<Row>(
      db,
      sql`
      select t.id, t.owner, t.tee_type, t.first_seen_block,
        t.heartbeat_count - (select count(*) from ${heartbeat} x where x.tee_id = t.id and x.block_number > ${n}) as heartbeat_count,
        t.individual_settlements - (select count(*) from ${individualSettlement} x where x.tee_id = t.id and x.block_number > ${n}) as individual_settlements,
        e.kind as event_kind, e.block_number as event_block, e.log_index as event_log, e.registry as event_registry,
        h.block_number as beat_block, h.log_index as beat_log, h.timestamp as beat_at, h.registry as beat_registry,
        r.block_number as registered_block, r.timestamp as registered_at,
        s.block_number as settlement_block, s.timestamp as settlement_at
      from ${teeNode} t
      left join lateral (select kind, block_number, log_index, registry from ${teeEvent} x
        where x.tee_id = t.id and x.block_number <= ${n} order by x.block_number desc, x.log_index desc limit 1) e on true
      left join lateral (select block_number, log_index, timestamp, registry from ${heartbeat} x
        where x.tee_id = t.id and x.block_number <= ${n} order by x.block_number desc, x.log_index desc limit 1) h on true
      left join lateral (select block_number, timestamp from ${teeEvent} x
        where x.tee_id = t.id and x.kind = 'registered' and x.block_number <= ${n} order by x.block_number desc, x.log_index desc limit 1) r on true
      left join lateral (select block_number, timestamp from ${individualSettlement} x
        where x.tee_id = t.id and x.block_number <= ${n} order by x.block_number desc, x.log_index desc limit 1) s on true
      where ${where}
      order by t.id`,
    ),
    maxAgesAt(n),
  ]);

  return rows.map((row) => {
    const event =
      row.event_block === null ? null : { block: big(row.event_block)!, log: Number(row.event_log), registry: String(row.event_registry) };
    const beat =
      row.beat_block === null ? null : { block: big(row.beat_block)!, log: Number(row.beat_log), registry: String(row.beat_registry) };
    const registered = event !== null || beat !== null;
    // The registry accepts heartbeats from enabled TEEs only, so without a lifecycle event a heartbeat shows it enabled.
    const enabled = event ? row.event_kind !== "disabled" : beat !== null;
    const lastHeartbeatAt = [big(row.beat_at), big(row.registered_at)].reduce<bigint | null>(
      (max, value) => (value === null || (max !== null && max >= value) ? max : value),
      null,
    );
    const registry = (later(event, beat) as { registry: string } | null)?.registry ?? null;
    const maxAgeSeconds = maxAgeOf(registry);
    const tee = { registered, enabled, lastHeartbeatAt };
    return {
      teeId: String(row.id) as `0x${string}`,
      state: teeState(tee, position.timestamp, maxAgeSeconds),
      registered,
      enabled: registered && enabled,
      registry,
      owner: registered ? (row.owner as string | null) : null,
      type: registered ? num(row.tee_type) : null,
      registeredBlock: num(row.registered_block),
      registeredTimestamp: num(row.registered_at),
      lastHeartbeatAt: num(lastHeartbeatAt),
      heartbeatAgeSeconds: lastHeartbeatAt === null ? null : position.timestamp - Number(lastHeartbeatAt),
      heartbeatMaxAgeSeconds: maxAgeSeconds,
      heartbeatCount: Number(row.heartbeat_count),
      individualSettlements: Number(row.individual_settlements),
      lastSettlementBlock: num(row.settlement_block),
      lastSettlementTimestamp: num(row.settlement_at),
      firstSeenBlock: Number(row.first_seen_block),
    };
  });
}

export type TeeAt = Awaited<ReturnType<typeof teesAt>>[number];

export const registryChain = appConfig.teeRegistry?.chain ?? "opengradient";

/** The TEEs at the registry chain's indexed head, read once per indexed position and shared by every request that sees it. */
const teesAtHead = perPosition((asOf) => teesAt(asOf[registryChain]!));

/** Every TEE after `position`: the shared read when it is the head this request sees. */
export const teesAtPosition = (asOf: AsOf, position: Position) => (position === asOf[registryChain] ? teesAtHead(asOf) : teesAt(position));

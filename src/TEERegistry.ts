import { ponder } from "ponder:registry";
import { heartbeat, pcr, teeNode, teeType } from "ponder:schema";
import { getOrCreateTee, recordTeeEvent } from "./entities/verification";

ponder.on("TEERegistry:TEETypeAdded", async ({ event, context }) => {
  await context.db
    .insert(teeType)
    .values({
      id: event.args.typeId,
      name: event.args.name,
      addedBlock: event.block.number,
      addedTimestamp: event.block.timestamp,
    })
    .onConflictDoUpdate({ name: event.args.name });
});

ponder.on("TEERegistry:PCRApproved", async ({ event, context }) => {
  const approval = {
    version: event.args.version,
    approved: true,
    approvedBlock: event.block.number,
    approvedTimestamp: event.block.timestamp,
    revokedBlock: null,
    revokedTimestamp: null,
  };
  await context.db
    .insert(pcr)
    .values({ pcrHash: event.args.pcrHash, teeType: event.args.teeType, ...approval })
    .onConflictDoUpdate(approval);
});

ponder.on("TEERegistry:PCRRevoked", async ({ event, context }) => {
  const revocation = { approved: false, revokedBlock: event.block.number, revokedTimestamp: event.block.timestamp };
  await context.db
    .insert(pcr)
    .values({ pcrHash: event.args.pcrHash, teeType: event.args.teeType, ...revocation })
    .onConflictDoUpdate(revocation);
});

const registryOf = (event: { log: { address: `0x${string}` } }) => event.log.address.toLowerCase() as `0x${string}`;

/**
 * Registration enables the TEE and counts as its first heartbeat: the registry sets
 * `lastHeartbeatAt = block.timestamp`, so a new TEE is active from its registration block.
 */
ponder.on("TEERegistry:TEERegistered", async ({ event, context }) => {
  const { teeId, owner, teeType: type } = event.args;
  await getOrCreateTee(context.db, teeId, true, event);
  await context.db.update(teeNode, { id: teeId }).set({
    registered: true,
    registry: registryOf(event),
    owner,
    teeType: type,
    registeredBlock: event.block.number,
    registeredTimestamp: event.block.timestamp,
    enabled: true,
    lastHeartbeatAt: event.block.timestamp,
    lastHeartbeatBlock: event.block.number,
  });
  await recordTeeEvent(context.db, teeId, "registered", event);
});

ponder.on("TEERegistry:TEEEnabled", async ({ event, context }) => {
  await getOrCreateTee(context.db, event.args.teeId, true, event);
  await context.db.update(teeNode, { id: event.args.teeId }).set({ registered: true, registry: registryOf(event), enabled: true });
  await recordTeeEvent(context.db, event.args.teeId, "enabled", event);
});

ponder.on("TEERegistry:TEEDisabled", async ({ event, context }) => {
  await getOrCreateTee(context.db, event.args.teeId, true, event);
  await context.db.update(teeNode, { id: event.args.teeId }).set({ registered: true, registry: registryOf(event), enabled: false });
  await recordTeeEvent(context.db, event.args.teeId, "disabled", event);
});

/**
 * The registry records the heartbeat's block time, not the signed `timestamp`: a heartbeat signed
 * earlier and relayed late still makes the TEE fresh as of its block.
 */
ponder.on("TEERegistry:HeartbeatReceived", async ({ event, context }) => {
  const { teeId, timestamp } = event.args;
  const tee = await getOrCreateTee(context.db, teeId, true, event);
  await context.db.update(teeNode, { id: teeId }).set({
    registered: true,
    registry: registryOf(event),
    // The registry accepts heartbeats from enabled TEEs only.
    enabled: true,
    lastHeartbeatAt: event.block.timestamp,
    lastHeartbeatBlock: event.block.number,
    heartbeatCount: tee.heartbeatCount + 1,
  });
  await context.db.insert(heartbeat).values({
    id: event.id,
    teeId,
    registry: registryOf(event),
    heartbeatTimestamp: timestamp,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    logIndex: event.log.logIndex,
  });
});

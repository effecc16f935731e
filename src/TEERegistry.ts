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

/** Registration activates the node: the registry enables a TEE when its attestation is accepted. */
ponder.on("TEERegistry:TEERegistered", async ({ event, context }) => {
  const { teeId, owner, teeType: type } = event.args;
  await getOrCreateTee(context.db, teeId, true, event);
  await context.db.update(teeNode, { id: teeId }).set({
    registered: true,
    owner,
    teeType: type,
    registeredBlock: event.block.number,
    registeredTimestamp: event.block.timestamp,
    enabled: true,
  });
  await recordTeeEvent(context.db, teeId, "registered", event);
});

ponder.on("TEERegistry:TEEEnabled", async ({ event, context }) => {
  await getOrCreateTee(context.db, event.args.teeId, true, event);
  await context.db.update(teeNode, { id: event.args.teeId }).set({ registered: true, enabled: true });
  await recordTeeEvent(context.db, event.args.teeId, "enabled", event);
});

ponder.on("TEERegistry:TEEDisabled", async ({ event, context }) => {
  await getOrCreateTee(context.db, event.args.teeId, true, event);
  await context.db.update(teeNode, { id: event.args.teeId }).set({ registered: true, enabled: false });
  await recordTeeEvent(context.db, event.args.teeId, "disabled", event);
});

ponder.on("TEERegistry:HeartbeatReceived", async ({ event, context }) => {
  const { teeId, timestamp } = event.args;
  const tee = await getOrCreateTee(context.db, teeId, true, event);
  await context.db.update(teeNode, { id: teeId }).set({
    registered: true,
    // An accepted heartbeat shows an active node; a row created by a settlement had no enabled flag to go on.
    ...(tee.registered ? {} : { enabled: true }),
    lastHeartbeat: timestamp,
    lastHeartbeatBlock: event.block.number,
    heartbeatCount: tee.heartbeatCount + 1,
  });
  await context.db.insert(heartbeat).values({
    id: event.id,
    teeId,
    heartbeatTimestamp: timestamp,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    logIndex: event.log.logIndex,
  });
});

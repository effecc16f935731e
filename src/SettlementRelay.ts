import { ponder } from "ponder:registry";
import { batchSettlement, individualSettlement, teeNode } from "ponder:schema";
import { settlementLag } from "../lib/verification";
import { getOrCreateTee, recordVerificationHour } from "./entities/verification";

ponder.on("SettlementRelay:IndividualSettlement", async ({ event, context }) => {
  const { teeId, ethAddress, inputHash, outputHash, timestamp, walrusBlobId } = event.args;
  const tee = await getOrCreateTee(context.db, teeId, false, event);
  const lag = settlementLag(event.block.timestamp, timestamp);

  await context.db.insert(individualSettlement).values({
    id: event.id,
    teeId,
    teeRegistered: tee.registered,
    user: ethAddress,
    inputHash,
    outputHash,
    inferenceTimestamp: timestamp,
    lagSeconds: lag,
    walrusBlobId,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    logIndex: event.log.logIndex,
  });
  await context.db.update(teeNode, { id: teeId }).set({
    individualSettlements: tee.individualSettlements + 1,
    lastSettlementBlock: event.block.number,
    lastSettlementTimestamp: event.block.timestamp,
  });
  await recordVerificationHour(
    context.db,
    { verified: 1, unregistered: tee.registered ? 0 : 1, batches: 0, batchedInferences: 0n, lag },
    event,
  );
});

ponder.on("SettlementRelay:BatchSettlement", async ({ event, context }) => {
  const { merkleRoot, batchSize, walrusBlobId } = event.args;
  await context.db.insert(batchSettlement).values({
    id: event.id,
    merkleRoot,
    batchSize,
    walrusBlobId,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
    logIndex: event.log.logIndex,
  });
  await recordVerificationHour(context.db, { verified: 0, unregistered: 0, batches: 1, batchedInferences: batchSize, lag: null }, event);
});

import type { Address, Hex } from "viem";
import { actor } from "../accounts";
import type { Devnet } from "../devnet";
import type { Random } from "../random";
import { id32, VerificationContracts } from "../verification";
import type { Traffic } from "./index";

type SimulatedTee = {
  id: Hex;
  type: number;
  enabled: boolean;
  lastHeartbeat: number;
  /** Hour from which the node stops sending heartbeats and serving inferences (crashed, still enabled). */
  silentFrom?: number;
};

/** Seconds between a node's heartbeats; the history's hourly blocks carry one each. */
const HEARTBEAT_PERIOD = 120;

/** Lifecycle events by simulated hour: a node taken out for maintenance and back, one retired for good. */
const DISABLE_AT: Record<number, string> = { 24: "nitro-agent-1", 60: "nitro-llm-3" };
const ENABLE_AT: Record<number, string> = { 36: "nitro-agent-1" };

/**
 * Verification traffic on the OpenGradient chain: TEEs of two types register and send heartbeats,
 * users' inferences settle individually (each a verified proof) and in Merkle batches, following the
 * daily rhythm. One node falls silent after three days and goes stale, one is disabled, one is
 * disabled and re-enabled, and now and then a TEE the registry never saw settles an inference.
 */
export class VerificationTraffic implements Traffic {
  readonly name = "verification";
  private readonly contracts: VerificationContracts;
  private readonly tees: SimulatedTee[] = [];
  private counts = { heartbeats: 0, individual: 0, unregistered: 0, batches: 0, batchedInferences: 0 };

  constructor(
    private readonly devnet: Devnet,
    private readonly random: Random,
  ) {
    this.contracts = new VerificationContracts(
      devnet.og,
      devnet.env.TEE_REGISTRY_ADDRESS as Address,
      devnet.env.SETTLEMENT_RELAY_ADDRESS as Address,
    );
  }

  private teeNamed(name: string) {
    return this.tees.find((tee) => tee.id === id32(`tee:${name}`))!;
  }

  async setup() {
    const types = [
      { id: 1, name: "nitro-llm", nodes: 4 },
      { id: 2, name: "nitro-agent", nodes: 2 },
    ];
    for (const type of types) {
      await this.contracts.addType(type.id, type.name);
      await this.contracts.approvePcr(id32(`pcr:${type.name}:v1`), type.id, "v1.0.0");
    }
    // A superseded enclave image: approved, then revoked when v1.1 shipped.
    await this.contracts.approvePcr(id32("pcr:nitro-llm:v0"), 1, "v0.9.2");
    await this.contracts.revokePcr(id32("pcr:nitro-llm:v0"), 1);
    await this.contracts.approvePcr(id32("pcr:nitro-llm:v1.1"), 1, "v1.1.0");
    for (const type of types) {
      for (let n = 1; n <= type.nodes; n++) {
        const tee: SimulatedTee = { id: id32(`tee:${type.name}-${n}`), type: type.id, enabled: true, lastHeartbeat: 0 };
        await this.contracts.register(tee.id, actor("tee-operator", this.tees.length), type.id, id32(`pcr:${type.name}:v1`));
        this.tees.push(tee);
      }
    }
    this.teeNamed("nitro-llm-4").silentFrom = 72;
  }

  /** `index` is -1 for the demo's live trickle, which runs every few seconds rather than hourly. */
  async hour(index: number, activity: number) {
    const trickle = index < 0;
    if (DISABLE_AT[index]) await this.setEnabled(this.teeNamed(DISABLE_AT[index]!), false);
    if (ENABLE_AT[index]) await this.setEnabled(this.teeNamed(ENABLE_AT[index]!), true);

    const serving = this.tees.filter((tee) => tee.enabled && (tee.silentFrom === undefined || (!trickle && index < tee.silentFrom)));
    const now = this.devnet.og.time;
    for (const tee of serving) {
      if (now - tee.lastHeartbeat < HEARTBEAT_PERIOD) continue;
      tee.lastHeartbeat = now - this.random.int(0, 30);
      await this.contracts.heartbeat(tee.id, tee.lastHeartbeat);
      this.counts.heartbeats++;
    }
    if (serving.length === 0) return;

    const individual = Math.round(12 * activity * (0.7 + 0.6 * this.random.next()));
    for (let n = 0; n < individual; n++) await this.settle(this.random.pick(serving).id);
    if (!trickle && index % 53 === 17) {
      await this.settle(id32(`tee:rogue-${index}`));
      this.counts.unregistered++;
    }

    const batches = trickle ? (this.random.next() < 0.05 ? 1 : 0) : this.random.int(0, 2);
    for (let n = 0; n < batches; n++) {
      const size = Math.max(1, Math.round(this.random.int(50, 400) * activity));
      await this.contracts.batch(id32(`root:${this.counts.batches}`), size);
      this.counts.batches++;
      this.counts.batchedInferences += size;
    }
  }

  summary() {
    return { tees: this.tees.length, ...this.counts };
  }

  private async setEnabled(tee: SimulatedTee, enabled: boolean) {
    await (enabled ? this.contracts.enable(tee.id) : this.contracts.disable(tee.id));
    tee.enabled = enabled;
  }

  /** Lag is mostly seconds (the gateway settles as it answers), with a tail of minutes from retries. */
  private sampleLag() {
    return this.random.next() < 0.9 ? this.random.int(2, 25) : this.random.int(30, 600);
  }

  private async settle(teeId: Hex) {
    const n = this.counts.individual++;
    await this.contracts.settle({
      teeId,
      user: actor("user", this.random.int(0, 199)),
      inputHash: id32(`sim:input:${n}`),
      outputHash: id32(`sim:output:${n}`),
      inferenceTimestamp: this.devnet.og.time - this.sampleLag(),
    });
  }
}

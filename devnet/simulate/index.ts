import type { Devnet } from "../devnet";
import { Random } from "../random";
import { FeeTraffic } from "./fees";
import { GovernanceTraffic } from "./governance";
import { StakingTraffic } from "./staking";
import { TokenTraffic } from "./token";
import { VerificationTraffic } from "./verification";

/**
 * One domain's share of the simulated network. `hour` queues that hour's transactions (it may
 * mine intermediate blocks itself); the loop mines both chains at the end of every hour.
 */
export interface Traffic {
  readonly name: string;
  setup(): Promise<void>;
  hour(index: number, activity: number): Promise<void>;
  summary(): Record<string, number>;
}

/** Daily rhythm: busiest mid-afternoon UTC, quietest before dawn, between 0.25 and 1.75. */
export function dailyActivity(timestamp: number): number {
  const hourOfDay = (timestamp % 86_400) / 3600;
  return 1 + 0.75 * Math.sin(((hourOfDay - 9) / 24) * 2 * Math.PI);
}

export function createTraffic(devnet: Devnet, random: Random): Traffic[] {
  const staking = new StakingTraffic(devnet, random);
  return [
    new TokenTraffic(devnet, random, 60),
    new FeeTraffic(devnet, random, 120, 6),
    new VerificationTraffic(devnet, random),
    staking,
    new GovernanceTraffic(devnet, random, staking),
  ];
}

/** Lays down `hours` of history on both chains, one pair of blocks per simulated hour. */
export async function simulate(devnet: Devnet, options: { hours: number; seed?: number; onProgress?: (hour: number) => void }) {
  const random = new Random(options.seed ?? 42);
  const traffic = createTraffic(devnet, random);
  for (const domain of traffic) await domain.setup();
  await mineBoth(devnet);
  for (let hour = 0; hour < options.hours; hour++) {
    const time = Math.max(devnet.base.time, devnet.og.time) + 3600;
    devnet.base.setTime(time);
    devnet.og.setTime(time);
    const activity = dailyActivity(time);
    for (const domain of traffic) await domain.hour(hour, activity);
    await mineBoth(devnet);
    options.onProgress?.(hour);
  }
  return traffic;
}

export async function mineBoth(devnet: Devnet) {
  await Promise.all([devnet.base.mine(), devnet.og.mine()]);
}

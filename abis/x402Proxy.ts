/** The x402 Permit2 proxies ("exact" and "upto") emit these parameterless events after moving the token. */
export const x402ProxyAbi = [
  { type: "event", name: "Settled", inputs: [] },
  { type: "event", name: "SettledWithPermit", inputs: [] },
] as const;

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Abi, Hex } from "viem";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const contractsDir = path.join(root, "devnet/contracts");
const cacheDir = path.join(root, "node_modules/.cache/opg-contracts");

export type Artifact = { abi: Abi; bytecode: Hex; deployedBytecode: Hex };

function findImport(importPath: string) {
  const candidates = [path.join(contractsDir, importPath), path.join(root, "node_modules", importPath)];
  for (const candidate of candidates) {
    if (existsSync(candidate)) return { contents: readFileSync(candidate, "utf8") };
  }
  return { error: `not found: ${importPath}` };
}

/**
 * Compiles every contract in devnet/contracts with solc from npm. The output is cached by the hash
 * of the sources and the compiler version, since compiling OpenZeppelin takes seconds.
 */
export function compileContracts(): Record<string, Artifact> {
  const solc = require("solc");
  const files = readdirSync(contractsDir)
    .filter((file) => file.endsWith(".sol"))
    .sort();
  const sources = Object.fromEntries(files.map((file) => [file, { content: readFileSync(path.join(contractsDir, file), "utf8") }]));
  const key = createHash("sha256").update(solc.version()).update(JSON.stringify(sources)).digest("hex").slice(0, 16);
  const cached = path.join(cacheDir, `${key}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, "utf8"));

  const input = {
    language: "Solidity",
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
  if (errors.length > 0) {
    throw new Error(`solc failed:\n${errors.map((e: { formattedMessage: string }) => e.formattedMessage).join("\n")}`);
  }
  const artifacts: Record<string, Artifact> = {};
  for (const file of files) {
    for (const [name, contract] of Object.entries(output.contracts[file] as Record<string, any>)) {
      artifacts[name] = {
        abi: contract.abi,
        bytecode: `0x${contract.evm.bytecode.object}`,
        deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
      };
    }
  }
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cached, JSON.stringify(artifacts));
  return artifacts;
}

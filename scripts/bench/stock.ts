import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../../devnet/indexer";

/**
 * The packages `patches/` changes, and drizzle-orm, which imports PGlite: a stock copy of each, so
 * that nothing in a baseline's process resolves to a patched file.
 */
const COPIED = new Set(["ponder", "@electric-sql/pglite", "hono", "drizzle-orm"]);

export type StockTree = { ponder: string; app: (name: string) => string };

/**
 * A tree is named after the patches and lockfile it was built for, so one built for earlier patches is
 * never used again: each held ~45 MB of copied packages until it was removed by hand.
 */
export function removeStaleStockTrees(benchDirectory: string, current: string): string[] {
  if (!existsSync(benchDirectory)) return [];
  const stale = readdirSync(benchDirectory).filter((entry) => /^stock-[0-9a-f]{10}$/.test(entry) && entry !== current);
  for (const entry of stale) rmSync(path.join(benchDirectory, entry), { recursive: true, force: true });
  return stale;
}

/**
 * The bench's baselines as a user installs them: Ponder, PGlite and Hono without this project's
 * patches. Every app on the patched `node_modules` gains from the patches, the baselines included, so
 * the bench also times reference-erc20 on the packages npm ships: the bare Ponder app issue 11 asks
 * about. A directory under `.bench/` holds copies of the patched packages, reversed with
 * `patch-package --reverse`, and links to every other package; the baseline apps are copied beside it,
 * in the same layout, so that their `ponder` resolves to the stock copy. Built once per set of patches and lockfile.
 */
export function stockTree(log: (message: string) => void): StockTree {
  const hash = createHash("sha256").update(readFileSync(path.join(projectRoot, "package-lock.json")));
  const patches = path.join(projectRoot, "patches");
  for (const file of readdirSync(patches).sort()) hash.update(file).update(readFileSync(path.join(patches, file)));
  const directory = path.join(projectRoot, ".bench", `stock-${hash.digest("hex").slice(0, 10)}`);
  const tree = { ponder: path.join(directory, "node_modules/ponder"), app: (name: string) => path.join(directory, "bench", name) };
  const done = path.join(directory, "done");
  if (existsSync(done)) return tree;

  log(`building stock Ponder, PGlite and Hono in ${path.relative(projectRoot, directory)}`);
  removeStaleStockTrees(path.dirname(directory), path.basename(directory));
  rmSync(directory, { recursive: true, force: true });
  const modules = path.join(projectRoot, "node_modules");
  const place = (name: string) => {
    const from = path.join(modules, name);
    const to = path.join(directory, "node_modules", name);
    if (COPIED.has(name)) cpSync(from, to, { recursive: true });
    else symlinkSync(from, to);
  };
  mkdirSync(path.join(directory, "node_modules"), { recursive: true });
  for (const entry of readdirSync(modules)) {
    if (!entry.startsWith("@")) {
      place(entry);
      continue;
    }
    mkdirSync(path.join(directory, "node_modules", entry));
    for (const scoped of readdirSync(path.join(modules, entry))) place(`${entry}/${scoped}`);
  }
  cpSync(path.join(projectRoot, "package.json"), path.join(directory, "package.json"));
  cpSync(patches, path.join(directory, "patches"), { recursive: true });
  execFileSync(process.execPath, [path.join(modules, "patch-package/index.js"), "--reverse"], { cwd: directory, stdio: "pipe" });
  // A reversal that silently left a patched file would time the patched baseline twice.
  const cache = readFileSync(path.join(tree.ponder, "dist/esm/indexing-store/cache.js"), "utf8");
  if (cache.includes("Patched")) throw new Error(`patch-package --reverse left Ponder patched in ${directory}`);
  // The apps import the token's ABI as ../../abis and extend ../../tsconfig.json, as in this repository.
  symlinkSync(path.join(projectRoot, "abis"), path.join(directory, "abis"));
  symlinkSync(path.join(projectRoot, "tsconfig.json"), path.join(directory, "tsconfig.json"));
  for (const app of ["reference-erc20", "insert-only"]) {
    cpSync(path.join(projectRoot, "bench", app), tree.app(app), { recursive: true, filter: (file) => !file.includes(".ponder") });
  }
  writeFileSync(done, new Date().toISOString());
  return tree;
}

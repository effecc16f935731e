import type { ChildProcess } from "node:child_process";

const running = new Set<ChildProcess>();
let hooked = false;

/**
 * Every anvil and Ponder process the harness starts is registered here and killed when this process
 * exits for any reason (a failed test, an uncaught error, Ctrl-C), so nothing outlives its owner.
 */
export function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once("exit", () => running.delete(child));
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const orphan of running) orphan.kill("SIGKILL");
    });
  }
  return child;
}

// CPU time of a local process from /proc (Linux): what `npm run bench` uses to
// compare the CPU the webhook path spends per request with a bare Worker's,
// each in its own workerd. Elsewhere it answers undefined and the bench says so.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Fields after `pid (comm)`: the name may hold spaces and parentheses, so split after the last `)`. */
function statFields(pid: number): { comm: string; ppid: number; cpuMs: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // rest[0] is the state; utime and stime are fields 14 and 15 of the whole line.
    return { comm, ppid: Number(rest[1]), cpuMs: ((Number(rest[11]) + Number(rest[12])) * 1000) / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}

export const cpuMeasurable = () => existsSync("/proc/self/stat");

/** User + system CPU a process has used so far, in ms (every thread of it). */
export function processCpuMs(pid: number): number | undefined {
  return statFields(pid)?.cpuMs;
}

/** Descendants of `root` whose command is `name`, nearest first. */
function descendantsNamed(root: number, name: string): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const fields = statFields(pid);
    if (fields) children.set(fields.ppid, [...(children.get(fields.ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    if (statFields(pid)?.comm === name) found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/**
 * The workerd that runs the Worker under `wrangler dev` (root): wrangler also
 * runs a second workerd for its request proxy, which costs the same per
 * request whatever the Worker does; the runtime one is started with an
 * inspector address.
 */
export function runtimeWorkerd(root: number): number | undefined {
  const all = descendantsNamed(root, "workerd");
  const cmdline = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      return "";
    }
  };
  return all.find((pid) => cmdline(pid).includes("--inspector-addr")) ?? all.at(-1);
}

/**
 * CPU ms a process spends per unit of work: its CPU over `work()` minus what
 * it burns idle over the same time (measured just before), divided by `units`.
 */
export async function cpuPerUnit(pid: number, units: number, work: () => Promise<unknown>, idleMs = 2_000): Promise<number | undefined> {
  return (await cpuPerUnitEach({ only: pid }, units, work, idleMs)).only;
}

/**
 * The same for several processes over one piece of work (the functions of a
 * pipeline, each in its own workerd): each one's CPU over `work()` less its
 * own idle rate, divided by `units`; undefined for a process that went away.
 */
export async function cpuPerUnitEach<K extends string>(
  pids: Readonly<Record<K, number>>,
  units: number,
  work: () => Promise<unknown>,
  idleMs = 2_000,
): Promise<Record<K, number | undefined>> {
  const names = Object.keys(pids) as K[];
  const read = () => new Map(names.map((name) => [name, processCpuMs(pids[name])] as const));
  const idleStart = read();
  const idleT0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const idleEnd = read();
  const idleSpan = performance.now() - idleT0;
  const before = read();
  const t0 = performance.now();
  await work();
  const after = read();
  const span = performance.now() - t0;
  const figures = {} as Record<K, number | undefined>;
  for (const name of names) {
    const [s, e, b, a] = [idleStart.get(name), idleEnd.get(name), before.get(name), after.get(name)];
    const idleRate = s === undefined || e === undefined ? 0 : (e - s) / idleSpan;
    figures[name] = b === undefined || a === undefined ? undefined : Math.max(0, a - b - idleRate * span) / units;
  }
  return figures;
}

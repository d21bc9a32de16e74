// The paths the interpreter follows (interpret.ts): the state of one path (its variables, the
// checks it runs under, what it sent, a doubt it took), how one is forked at a branch, and how
// paths that both go on are joined into one.
import { union, type Binding, type Source, type Value } from "./values.js";

export interface State {
  store: Map<Binding, Value>;
  /** The checks the current code runs under: non-empty inside a branch the caller decided. */
  forced: Source[];
  /** Pages Router: the status sent with res.status(…).json(…), "unknown" when not a number. */
  sent?: number | "unknown";
  /** A decision this path took on something this reader could not read. */
  doubt?: string;
}

export type Res = { v: Value; st: State } | { thr: Source[]; st: State };
export type Completion =
  | { t: "normal"; st: State }
  | { t: "return"; v: Value; st: State }
  | { t: "throw"; src: Source[]; st: State }
  | { t: "break" | "continue"; label: string | undefined; st: State };

export const fork = (st: State): State => ({ ...st, store: new Map(st.store) });

export function joinValues(a: Value, b: Value): Value {
  if (a === b) return a;
  const taint = union(a.taint, b.taint);
  if (a.k === "prim" && b.k === "prim" && a.v === b.v) return { ...a, taint };
  if (a.k === b.k && (a.k === "request" || a.k === "secret" || a.k === "unknown")) return { ...a, taint } as Value;
  // Either what the caller sent or a constant: the caller still chooses it.
  if ((a.k === "request" && b.k === "prim") || (a.k === "prim" && b.k === "request")) return { k: "request", taint };
  if (a.k === "opaque") return { ...a, taint };
  if (b.k === "opaque") return { ...b, taint };
  return { k: "unknown", taint };
}

export function joinStates(states: State[]): State {
  const [first, ...rest] = states;
  if (!first || rest.length === 0) return first!;
  const store = new Map(first.store);
  for (const other of rest) {
    for (const [binding, value] of other.store) {
      const mine = store.get(binding);
      store.set(binding, mine === undefined ? value : joinValues(mine, value));
    }
  }
  const sent = states.every((s) => s.sent === first.sent) ? first.sent : "unknown";
  const doubt = states.find((s) => s.doubt)?.doubt;
  return { store, forced: first.forced, ...(sent !== undefined ? { sent } : {}), ...(doubt ? { doubt } : {}) };
}

/** Joins the value results into one (the throws stay apart: each ends its path). */
export function joinResults(results: Res[]): Res[] {
  const values = results.filter((r): r is { v: Value; st: State } => "v" in r);
  if (values.length <= 1) return results;
  const throws = results.filter((r) => "thr" in r);
  const v = values.map((r) => r.v).reduce(joinValues);
  return [{ v, st: joinStates(values.map((r) => r.st)) }, ...throws];
}

export function joinNormals(completions: Completion[]): Completion[] {
  const normals = completions.filter((c) => c.t === "normal");
  if (normals.length <= 1) return completions;
  return [{ t: "normal", st: joinStates(normals.map((c) => c.st)) }, ...completions.filter((c) => c.t !== "normal")];
}

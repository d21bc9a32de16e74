import { describe, expect, it } from "vitest";
import type { RawFlags } from "../../src/core/raw-flags.js";
import type { Choice } from "../../src/styles/declaration.js";
import { STYLES } from "../../src/styles/index.js";
import { fillGaps, type Asker, type TextField } from "../../src/ui/questions.js";

// What an interactive run asks, without a terminal: a scripted Asker answers, and records what
// was asked. The clack renderer (ui/interactive.ts) is covered by test/cli/interactive.test.ts.

interface Asked {
  message: string;
  choices?: Choice[];
  field?: TextField;
}

function scripted(answers: Record<string, string | string[]>): Asker & { asked: Asked[] } {
  const asked: Asked[] = [];
  const next = (message: string) => {
    if (!(message in answers)) throw new Error(`not scripted: ${message}`);
    return answers[message]!;
  };
  return {
    asked,
    async select(message, choices) {
      asked.push({ message, choices });
      return next(message) as string;
    },
    async multiselect(message, choices) {
      asked.push({ message, choices });
      return next(message) as string[];
    },
    async text(message, field) {
      asked.push({ message, field });
      return next(message) as string;
    },
  };
}

describe("fillGaps", () => {
  it("asks nothing the flags answer", async () => {
    const asker = scripted({});
    const flags: RawFlags = { style: "userId", route: "/api/me", methods: "GET", role: "org:admin" };
    expect(await fillGaps(flags, asker)).toEqual(flags);
    expect(asker.asked).toEqual([]);
  });

  it("asks the style from the registry, then the route, the methods and the style's own questions", async () => {
    const asker = scripted({
      "How should the route be protected?": "token",
      "Route (URL path)": "/api/todos",
      "HTTP methods": ["GET", "POST"],
      "Who may call it?": "__none__",
      "Clerk JWT template": "",
    });
    const filled = await fillGaps({}, asker);
    expect(asker.asked.map((q) => q.message)).toEqual([
      "How should the route be protected?",
      "Route (URL path)",
      "HTTP methods",
      "Who may call it?",
      "Clerk JWT template",
    ]);
    expect(asker.asked[0]!.choices!.map((c) => c.value)).toEqual(STYLES.map((style) => style.name));
    // An empty answer to an optional question leaves the flag to its default.
    expect(filled).toEqual({ style: "token", route: "/api/todos", methods: "GET,POST" });
  });

  it("validates an answer with its flag's own parser", async () => {
    const asker = scripted({ "Who may call it?": "role", Role: "org:admin", "Clerk JWT template": "supabase" });
    await fillGaps({ style: "token", route: "/api/x", methods: "GET" }, asker);
    const role = asker.asked.find((q) => q.message === "Role")!.field!;
    expect(role.optional).toBe(false);
    expect(() => role.parse("org admin")).toThrow(/--role/);
    expect(() => role.parse("org:admin")).not.toThrow();
    const routeAsker = scripted({ "Route (URL path)": "/api/y" });
    await fillGaps({ style: "userId", methods: "GET", role: "admin" }, routeAsker);
    const route = routeAsker.asked[0]!.field!;
    expect(route.optional).toBe(true);
    expect(() => route.parse("/api/../x")).toThrow();
  });

  it("machine: asks for scopes only with API keys or OAuth tokens, who may call it only with session tokens", async () => {
    const m2m = scripted({ "Which tokens may call it?": ["m2m_token"] });
    await fillGaps({ style: "machine", route: "/api/m", methods: "GET" }, m2m);
    expect(m2m.asked.map((q) => q.message)).toEqual(["Which tokens may call it?"]);
    const both = scripted({
      "Which tokens may call it?": ["api_key", "session_token"],
      "Required scopes (comma-separated, empty for none)": "read:x",
      "Who may call it?": "__none__",
    });
    const filled = await fillGaps({ style: "machine", route: "/api/m", methods: "GET" }, both);
    expect(both.asked.map((q) => q.message)).toEqual([
      "Which tokens may call it?",
      "Required scopes (comma-separated, empty for none)",
      "Who may call it?",
    ]);
    expect(filled).toMatchObject({ accepts: "api_key,session_token", scopes: "read:x" });
  });
});

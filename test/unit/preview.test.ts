import pc from "picocolors";
import { describe, expect, it } from "vitest";
import { maskEnvText, renderDiff } from "../../src/report/diff.js";

describe("maskEnvText", () => {
  it("hides every value, showing only a Clerk key's public prefix", () => {
    expect(
      maskEnvText("# keys\nCLERK_SECRET_KEY=sk_live_abcdef\nDB=postgres://u:hunter2@h/db\nEMPTY=\nexport A='x y'\n"),
    ).toBe("# keys\nCLERK_SECRET_KEY=sk_live_…\nDB=…\nEMPTY=\nexport A=…\n");
  });

  it("hides the inner lines of a multi-line quoted value, even ones that look like KEY=value", () => {
    const pem = 'PRIVATE_KEY="-----BEGIN KEY-----\nAbCdEfGh=\nxyz==\n-----END KEY-----"\nNEXT=1\n';
    expect(maskEnvText(pem)).toBe("PRIVATE_KEY=…\n…\n…\n…\nNEXT=…\n");
  });

  it("keeps CRLF line endings", () => {
    expect(maskEnvText("A=secret\r\nB=\r\n")).toBe("A=…\r\nB=\r\n");
  });
});

describe("renderDiff", () => {
  const colors = pc.createColors(false);

  it("shows a new file in full and an edit with context", () => {
    expect(renderDiff({ path: "a.ts", action: "create", before: null, after: "x\n" }, colors)).toContain(
      "--- /dev/null\n+++ b/a.ts\n@@ -0,0 +1,1 @@\n+x",
    );
    const edit = renderDiff({ path: "a.ts", action: "modify", before: "a\nb\n", after: "a\nc\n" }, colors);
    expect(edit).toContain("--- a/a.ts\n+++ b/a.ts");
    expect(edit).toContain("-b\n+c");
  });

  it("masks sensitive files on both sides of the diff", () => {
    const out = renderDiff(
      {
        path: ".env.local",
        action: "modify",
        before: "DB=pw1\n",
        after: "DB=pw1\nCLERK_SECRET_KEY=sk_test_zzz\n",
        sensitive: true,
      },
      colors,
    );
    expect(out).not.toMatch(/pw1|zzz/);
    expect(out).toContain("+CLERK_SECRET_KEY=sk_test_…");
  });
});

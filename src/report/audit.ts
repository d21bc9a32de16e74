import type { Colors } from "picocolors/types.js";
import type { AuditResult } from "../audit/evaluate.js";

// The audit in words: a table by route, then each finding with its fix; or one JSON object.

export function auditJson(result: AuditResult): string {
  return JSON.stringify(result);
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - text.length));
}

export function auditTable(result: AuditResult, colors: Colors): string {
  const header = ["route", "methods", "protection", "covered", "findings"];
  const rows = result.routes.map((route) => [
    route.route,
    route.methods.join(",") || "-",
    route.protection,
    route.covered === "unknown" ? "?" : route.covered ? "yes" : "no",
    route.findings.map((f) => f.code).join(",") || "-",
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : pad(cell, widths[i]!))).join("  ");
  const out = [colors.bold(line(header))];
  for (const [index, row] of rows.entries()) {
    const findings = result.routes[index]!.findings;
    const text = line(row);
    out.push(findings.some((f) => f.severity === "error") ? colors.red(text) : findings.length > 0 ? colors.yellow(text) : text);
  }
  const all = result.routes.flatMap((route) => route.findings.map((finding) => ({ route, finding })));
  if (all.length > 0) out.push("");
  for (const { route, finding } of all) {
    const mark = finding.severity === "error" ? colors.red("✖") : colors.yellow("!");
    out.push(`${mark} ${finding.code} ${route.file}: ${finding.message}`, `  ${colors.dim("fix:")} ${finding.fix}`);
  }
  const counted = Object.entries(result.findings).map(([code, count]) => `${count} ${code}`);
  out.push(
    "",
    `${result.routes.length} route file${result.routes.length === 1 ? "" : "s"}, ${counted.length > 0 ? counted.join(", ") : "no findings"}` +
      (result.middleware ? ` (middleware: ${result.middleware})` : " (no middleware/proxy file)"),
  );
  out.push(result.ok ? colors.green("✔ audit passed") : colors.red("✖ audit failed"));
  return out.join("\n");
}

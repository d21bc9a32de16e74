import pc from "picocolors";
import type { Colors } from "picocolors/types.js";

// Colour only when the output is a terminal, unless FORCE_COLOR / NO_COLOR say otherwise.
// (picocolors alone turns colours on whenever CI is set, even into a pipe.)
export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Colors {
  const force = env.FORCE_COLOR;
  const enabled =
    force !== undefined && force !== ""
      ? force !== "0" && force !== "false"
      : env.NO_COLOR
        ? false
        : stream.isTTY === true;
  return pc.createColors(enabled);
}

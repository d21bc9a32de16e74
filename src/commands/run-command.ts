import { asCliError, type CliError } from "../core/errors.js";
import { chooseUi, type Ui, type UiChoice, type UiStreams } from "../ui/index.js";

// What every command shares around its own steps: the ui, chosen once; any failure, a bug
// included, reported through that ui and turned into the exit code. A command body returns its
// exit code and never prints an error itself.

export interface CommandOptions {
  /** A read-only command (audit): its UNEXPECTED hint does not speak of writing. */
  readOnly?: boolean;
  /** The exit code for a failure (default: the error's own). */
  exitCode?: (error: CliError) => number;
}

/** Runs `body` with the chosen ui; returns its exit code, or the failure's. Never throws. */
export async function runCommand(
  choice: UiChoice,
  streams: UiStreams,
  body: (ui: Ui) => Promise<number>,
  options: CommandOptions = {},
): Promise<number> {
  let ui: Ui | undefined;
  try {
    ui = await chooseUi(choice, streams);
    return await body(ui);
  } catch (caught) {
    const error = asCliError(caught, options.readOnly ? "read-only" : "nothing");
    // The ui itself could not load: plain text (or JSON, as asked) says why.
    ui ??= await chooseUi({ ...choice, kind: choice.kind === "json" ? "json" : "text" }, streams);
    await ui.fail(error, "failed");
    return options.exitCode ? options.exitCode(error) : error.exitCode;
  }
}

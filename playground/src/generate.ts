/**
 * The `lagrangian.generateLagrangian` command as the page uses it.
 *
 * With `insert: false` the server returns `{latex, text, terms}` instead of editing the
 * document; `source: "document"` asks for the document's own terms, otherwise it is the
 * complete Lagrangian for the declared fields.  The result comes over the wire, so it is
 * checked before anything is rendered.
 */

export const GENERATE_COMMAND = "lagrangian.generateLagrangian";
export const COMPLETE_COMMAND = "lagrangian.completeLagrangian";

export interface GenerateArguments {
  uri: string;
  format: "latex";
  insert: false;
  source?: "document";
}

export interface GeneratedLagrangian {
  latex: string;
  text: string;
  termCount: number;
}

export function generateParams(uri: string, documentTerms: boolean): { command: string; arguments: [GenerateArguments] } {
  const args: GenerateArguments = { uri, format: "latex", insert: false };
  if (documentTerms) {
    args.source = "document";
  }
  return { command: GENERATE_COMMAND, arguments: [args] };
}

/** Reads the command's result; throws a readable error for anything else. */
export function readGenerated(result: unknown): GeneratedLagrangian {
  if (typeof result !== "object" || result === null) {
    throw new Error(`the server returned ${JSON.stringify(result)} instead of a Lagrangian`);
  }
  const { latex, text, terms } = result as Record<string, unknown>;
  if (typeof latex !== "string") {
    throw new Error("the server's result has no LaTeX form");
  }
  return {
    latex,
    text: typeof text === "string" ? text : "",
    termCount: Array.isArray(terms) ? terms.length : 0,
  };
}

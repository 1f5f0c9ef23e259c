/**
 * Which documents the server is attached to.
 *
 * `.lag` files always; LaTeX documents (`latex` from VS Code's built-in support or
 * LaTeX Workshop, `tex` for plain TeX) unless `lagrangian.latex.enabled` is off.  The
 * server only reads math environments of files with `% lagrangian:` declarations, so it
 * coexists with LaTeX Workshop or texlab; the switch is for users who want it gone anyway.
 */

export const LAG_LANGUAGE = "lagrangian";
export const LATEX_LANGUAGES = ["latex", "tex"] as const;

/** The part of vscode's `DocumentFilter` used here. */
export interface LanguageFilter {
  scheme: "file" | "untitled";
  language: string;
}

export function documentSelector(latexEnabled: boolean): LanguageFilter[] {
  const languages = latexEnabled ? [LAG_LANGUAGE, ...LATEX_LANGUAGES] : [LAG_LANGUAGE];
  return languages.flatMap((language) => [
    { scheme: "file", language },
    { scheme: "untitled", language },
  ]);
}

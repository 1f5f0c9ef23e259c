/**
 * The CodeMirror 6 editor: a compact set of the usual editing extensions plus the
 * `.lag` colouring and whatever the LSP client contributes (completion, hover, lint).
 */

import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { HighlightStyle, bracketMatching, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, lintKeymap } from "@codemirror/lint";
import { EditorState, type Extension } from "@codemirror/state";
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { lagLanguage } from "./lagLanguage";

const lagHighlight = HighlightStyle.define([
  { tag: tags.comment, color: "#6a737d", fontStyle: "italic" },
  { tag: tags.keyword, color: "#a626a4", fontWeight: "bold" },
  { tag: tags.modifier, color: "#a626a4" },
  { tag: tags.typeName, color: "#c18401" },
  { tag: tags.number, color: "#986801" },
  { tag: tags.atom, color: "#0184bc" },
  { tag: tags.definition(tags.variableName), color: "#e45649", fontWeight: "bold" },
  { tag: tags.function(tags.variableName), color: "#4078f2" },
  { tag: tags.standard(tags.variableName), color: "#0184bc" },
  { tag: tags.special(tags.variableName), color: "#50a14f" },
  { tag: tags.propertyName, color: "#4078f2" },
  { tag: tags.string, color: "#50a14f" },
  { tag: tags.operator, color: "#383a42" },
]);

export function createEditor(parent: HTMLElement, doc: string, lsp: Extension): EditorView {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        autocompletion({ activateOnTypingDelay: 150 }),
        lintGutter(),
        lagLanguage,
        syntaxHighlighting(lagHighlight),
        keymap.of([
          ...closeBracketsKeymap,
          ...defaultKeymap,
          ...historyKeymap,
          ...completionKeymap,
          ...lintKeymap,
          indentWithTab,
        ]),
        EditorView.lineWrapping,
        lsp,
      ],
    }),
  });
}

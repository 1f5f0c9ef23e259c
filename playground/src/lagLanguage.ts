/**
 * Syntax colouring of `.lag` text in the playground editor.
 *
 * A line-oriented stream tokenizer is enough: the colours only need to separate
 * declarations, group names, quantum numbers, operators such as `^dagger`, and comments,
 * and they must never lag behind typing.  Meaning (which name is a field, which a
 * coupling; whether a term is allowed) comes from the language server, not from here.
 */

import { StreamLanguage, type StreamParser, type StringStream } from "@codemirror/language";

/** What the current line is, as decided by its first word. */
type LineKind = "declaration" | "gauge" | "fit" | "other";

export interface LagState {
  line: LineKind;
  /** After `scalar`/`fermion`: the next word is the field's name. */
  expectName: boolean;
  /** Inside a `fit NAME { … }` block, which may span lines. */
  inFit: boolean;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_']*/;
const CONJUGATE = /^\^\s*(?:dagger\b|\\dagger\b|\{\\dagger\}|\*|T\b)/;

function lineStart(stream: StringStream, state: LagState): string | null {
  const keyword = stream.match(/^(scalar|fermion|gauge|fit)\b/) as RegExpMatchArray | null;
  if (keyword === null) {
    state.line = "other";
    return null;
  }
  const word = keyword[1];
  state.line = word === "gauge" ? "gauge" : word === "fit" ? "fit" : "declaration";
  state.expectName = word !== "gauge";
  if (word === "fit") {
    state.inFit = true;
  }
  return "keyword";
}

function declarationToken(stream: StringStream, state: LagState): string | null {
  if (state.expectName && stream.match(IDENT)) {
    state.expectName = false;
    return "variableName.definition";
  }
  if (stream.match(/^(left|right|real)\b/)) {
    return "modifier";
  }
  if (stream.match(/^[+-]?\d+\s*\/\s*\d+/) || stream.match(/^-?\d+(?:bar)?\b/)) {
    return "number";
  }
  if (stream.match(IDENT)) {
    return "variableName";
  }
  return null;
}

function gaugeToken(stream: StringStream): string | null {
  if (stream.match(/^(?:SU|SO|Sp)(?:\d+|\(\d+\))|^U(?:1|\(1\))\b/)) {
    return "typeName";
  }
  if (stream.match(/^x\b/)) {
    return "operator";
  }
  if (stream.match(IDENT)) {
    return "variableName.definition";
  }
  return null;
}

function fitToken(stream: StringStream, state: LagState): string | null {
  if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) {
    return "string";
  }
  if (stream.eat("}")) {
    state.inFit = false;
    return "bracket";
  }
  if (stream.match(/^[A-Za-z_]\w*(?=\s*=)/)) {
    return "propertyName";
  }
  if (state.expectName && stream.match(IDENT)) {
    state.expectName = false;
    return "variableName.definition";
  }
  if (stream.match(/^\d+(?:\.\d+)?/)) {
    return "number";
  }
  if (stream.match(IDENT)) {
    return "variableName";
  }
  return null;
}

function termToken(stream: StringStream): string | null {
  if (stream.match(/^h\.\s?c\./)) {
    return "atom";
  }
  if (stream.match(CONJUGATE)) {
    return "atom";
  }
  if (stream.match(/^(?:D|partial)(?=\s*[_^](?!\s*(?:dagger\b|\*|T\b)))/)) {
    return "variableName.function";
  }
  if (stream.match(/^(?:sigmabar|sigma|eps|epsilon)\b/)) {
    return "variableName.standard";
  }
  if (stream.match(/^[_^]\s*(?:\{[^{}]*\}|[A-Za-z]+|\d)/)) {
    return "variableName.special";
  }
  if (stream.match(/^\d+(?:\.\d+)?/)) {
    return "number";
  }
  if (stream.match(/^i\b/)) {
    return "atom";
  }
  if (stream.match(IDENT)) {
    return "variableName";
  }
  if (stream.match(/^[+\-=*/]/)) {
    return "operator";
  }
  if (stream.match(/^[()[\]{}]/)) {
    return "bracket";
  }
  return null;
}

export const lagStreamParser: StreamParser<LagState> = {
  name: "lagrangian",
  startState: () => ({ line: "other", expectName: false, inFit: false }),
  copyState: (state) => ({ ...state }),
  token(stream, state) {
    if (stream.sol()) {
      state.expectName = false;
      state.line = state.inFit ? "fit" : "other";
    }
    if (stream.eatSpace()) {
      return null;
    }
    if (stream.match(/^#.*/)) {
      return "comment";
    }
    if (!state.inFit && stream.string.slice(0, stream.pos).trim() === "") {
      const keyword = lineStart(stream, state);
      if (keyword !== null) {
        return keyword;
      }
    }
    const style =
      state.line === "declaration"
        ? declarationToken(stream, state)
        : state.line === "gauge"
          ? gaugeToken(stream)
          : state.line === "fit"
            ? fitToken(stream, state)
            : termToken(stream);
    if (style === null) {
      stream.next();
    }
    return style;
  },
  languageData: {
    commentTokens: { line: "#" },
    closeBrackets: { brackets: ["(", "[", "{", '"'] },
  },
};

export const lagLanguage = StreamLanguage.define(lagStreamParser);

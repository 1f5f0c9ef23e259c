/**
 * The status bar item that shows the server's state.
 *
 * The presentation is a pure function of `ServerStatus`, so every state has a tested look;
 * `StatusBarView` only copies it onto the VS Code item.  An error keeps the item's error
 * background until the state changes, because a language server that silently stopped
 * is the one failure users otherwise never notice (completions just stop coming).
 */

import * as vscode from "vscode";
import { CLIENT_COMMANDS } from "./commands";
import type { ServerStatus } from "./controller";

export interface StatusPresentation {
  text: string;
  tooltip: string;
  /** Theme colour id for the background, when the state deserves attention. */
  background?: "statusBarItem.errorBackground" | "statusBarItem.warningBackground";
}

const NAME = "Lagrangian";

export function presentStatus(status: ServerStatus): StatusPresentation {
  const detail = status.message === undefined ? "" : `\n\n${status.message}`;
  const hint = "\n\nClick for server actions.";
  switch (status.state) {
    case "starting":
      return { text: `$(sync~spin) ${NAME}`, tooltip: `Lagrangian language server: starting…${detail}${hint}` };
    case "ready":
      return { text: `$(check) ${NAME}`, tooltip: `Lagrangian language server: ready${detail}${hint}` };
    case "error":
      return {
        text: `$(error) ${NAME}`,
        tooltip: `Lagrangian language server: error${detail}${hint}`,
        background: "statusBarItem.errorBackground",
      };
    case "stopped":
      return {
        text: `$(circle-slash) ${NAME}`,
        tooltip: `Lagrangian language server: stopped${detail}${hint}`,
        background: "statusBarItem.warningBackground",
      };
  }
}

/** Owns the status bar item and keeps it in step with the server state. */
export class StatusBarView implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem("lagrangian.serverStatus", vscode.StatusBarAlignment.Left, 0);
    this.item.name = "Lagrangian Language Server";
    this.item.command = CLIENT_COMMANDS.serverActions;
    this.item.show();
  }

  update(status: ServerStatus): void {
    const look = presentStatus(status);
    this.item.text = look.text;
    this.item.tooltip = look.tooltip;
    this.item.backgroundColor = look.background === undefined ? undefined : new vscode.ThemeColor(look.background);
  }

  dispose(): void {
    this.item.dispose();
  }
}

/**
 * Work-done progress from the server (`window/workDoneProgress/create` + `$/progress`).
 *
 * Loading the model and generating a Lagrangian can take seconds; the server reports
 * them as LSP work-done progress, and the page shows the most recent running task in its
 * status line.  The tracker only keeps state; the page decides how to draw it.
 */

import type * as lsp from "vscode-languageserver-protocol";

export interface Task {
  title: string;
  message?: string;
  percentage?: number;
}

export class ProgressTracker {
  private readonly tasks = new Map<lsp.ProgressToken, Task>();

  /** Applies one `$/progress` notification's params; ignores values that are not work-done progress. */
  update(params: { token: lsp.ProgressToken; value: unknown }): void {
    const value = params.value as Partial<lsp.WorkDoneProgressBegin | lsp.WorkDoneProgressReport | lsp.WorkDoneProgressEnd>;
    if (value?.kind === "begin") {
      const begin = value as lsp.WorkDoneProgressBegin;
      this.tasks.set(params.token, { title: begin.title, message: begin.message, percentage: begin.percentage });
    } else if (value?.kind === "report") {
      const task = this.tasks.get(params.token);
      const report = value as lsp.WorkDoneProgressReport;
      if (task !== undefined) {
        this.tasks.set(params.token, {
          title: task.title,
          message: report.message ?? task.message,
          percentage: report.percentage ?? task.percentage,
        });
      }
    } else if (value?.kind === "end") {
      this.tasks.delete(params.token);
    }
  }

  /** Forgets everything, e.g. when the connection drops and no `end` will ever come. */
  clear(): void {
    this.tasks.clear();
  }

  /** The newest running task, or undefined when the server is idle. */
  get current(): Task | undefined {
    return [...this.tasks.values()].at(-1);
  }
}

/** "Loading model: 3/12 shards (40%)" from a task. */
export function describeTask(task: Task): string {
  const message = task.message ? `: ${task.message}` : "";
  const percentage = task.percentage === undefined ? "" : ` (${Math.round(task.percentage)}%)`;
  return `${task.title}${message}${percentage}`;
}

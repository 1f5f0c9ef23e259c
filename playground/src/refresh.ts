/**
 * Debounced, single-flight refreshing of the side panels.
 *
 * Every keystroke eventually produces new diagnostics; re-rendering the Lagrangian on
 * each would queue requests faster than the server answers them.  The scheduler waits
 * for a pause (`delayMs`), runs one refresh at a time, and if more requests came in while
 * one ran, runs exactly one more afterwards — so the panels always end up showing the
 * final text, never a stale one, and never more than one request is in flight.
 */

export class RefreshScheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private pending = false;

  constructor(
    private readonly refresh: () => Promise<void>,
    private readonly delayMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Asks for a refresh after the next pause. */
  request(): void {
    if (this.running) {
      this.pending = true;
      return;
    }
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, this.delayMs);
  }

  /** Drops a scheduled refresh (the connection is gone; it would only fail). */
  cancel(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pending = false;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      await this.refresh();
    } catch (error) {
      this.onError(error);
    } finally {
      this.running = false;
    }
    if (this.pending) {
      this.pending = false;
      this.request();
    }
  }
}

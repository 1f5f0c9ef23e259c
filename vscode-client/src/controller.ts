/**
 * The language server's lifecycle as the user sees it: stopped, starting, ready, error.
 *
 * vscode-languageclient reports its own states (stopped/starting/running) but cannot tell
 * a stop the user asked for from a crash, and a failed start leaves only a rejected
 * promise.  This controller owns that distinction, so the status bar says "error" with a
 * reason when the server dies or never comes up, and "stopped" only when that was asked
 * for.  It talks to the client through the small `ManagedClient` interface, which keeps
 * it independent of the `vscode` module and testable with a scripted fake.
 */

export type ServerState = "stopped" | "starting" | "ready" | "error";

export interface ServerStatus {
  state: ServerState;
  /** Why the server is in this state, when that is worth telling (errors, mostly). */
  message?: string;
}

/** The states vscode-languageclient reports, in our own words. */
export type ClientState = "stopped" | "starting" | "running";

export interface Disposable {
  dispose(): void;
}

/** The part of a language client the controller drives. */
export interface ManagedClient {
  start(): Promise<void>;
  stop(): Promise<void>;
  onStateChange(listener: (state: ClientState) => void): Disposable;
  /** A user-facing explanation of a start failure (which command, which setting to fix). */
  describeFailure(error: unknown): string;
}

export const UNEXPECTED_STOP =
  "The language server stopped unexpectedly. Its last messages are in the Lagrangian output channel.";

export class ServerController {
  private client: ManagedClient | undefined;
  private subscription: Disposable | undefined;
  private current: ServerStatus = { state: "stopped" };
  /** Bumped on every start and stop, so events from a replaced client are ignored. */
  private generation = 0;

  constructor(
    private readonly createClient: () => ManagedClient,
    private readonly onStatus: (status: ServerStatus) => void,
  ) {}

  get status(): ServerStatus {
    return this.current;
  }

  /** The running client, if the server is up (for requests the extension makes itself). */
  get activeClient(): ManagedClient | undefined {
    return this.current.state === "ready" ? this.client : undefined;
  }

  /** Starts the server unless one is already running; resolves to whether it is ready. */
  async start(): Promise<boolean> {
    if (this.client !== undefined) {
      return this.current.state === "ready";
    }
    const generation = ++this.generation;
    this.set({ state: "starting" });
    let client: ManagedClient;
    try {
      client = this.createClient();
    } catch (error) {
      this.set({ state: "error", message: error instanceof Error ? error.message : String(error) });
      return false;
    }
    this.client = client;
    this.subscription = client.onStateChange((state) => {
      if (generation === this.generation) {
        this.clientStateChanged(state);
      }
    });
    try {
      await client.start();
    } catch (error) {
      if (generation === this.generation) {
        this.set({ state: "error", message: client.describeFailure(error) });
        await this.release();
      }
      return false;
    }
    if (generation !== this.generation) {
      return false;
    }
    this.set({ state: "ready" });
    return true;
  }

  /** Stops the server on purpose; the status becomes "stopped", not "error". */
  async stop(): Promise<void> {
    this.generation++;
    await this.release();
    this.set({ state: "stopped" });
  }

  async restart(): Promise<boolean> {
    await this.stop();
    return this.start();
  }

  private clientStateChanged(state: ClientState): void {
    if (state === "starting") {
      this.set({ state: "starting" });
    } else if (state === "running") {
      this.set({ state: "ready" });
    } else if (this.current.state !== "error") {
      // Not asked for (a requested stop bumps the generation first): the process died.
      this.set({ state: "error", message: UNEXPECTED_STOP });
    }
  }

  /** Drops the current client; a client that fails to stop is already gone. */
  private async release(): Promise<void> {
    const client = this.client;
    this.subscription?.dispose();
    this.subscription = undefined;
    this.client = undefined;
    if (client !== undefined) {
      try {
        await client.stop();
      } catch {
        // Stopping a client whose process never started or already exited throws; either
        // way there is nothing left to stop.
      }
    }
  }

  private set(status: ServerStatus): void {
    if (status.state === this.current.state && status.message === this.current.message) {
      return;
    }
    this.current = status;
    this.onStatus(status);
  }
}

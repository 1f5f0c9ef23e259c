import * as assert from "assert";
import {
  ServerController,
  UNEXPECTED_STOP,
  type ClientState,
  type ManagedClient,
  type ServerStatus,
} from "../src/controller";

/** A language client whose start and state changes the test drives by hand. */
class ScriptedClient implements ManagedClient {
  listeners: ((state: ClientState) => void)[] = [];
  stops = 0;
  private settle!: { resolve: () => void; reject: (error: unknown) => void };
  readonly started: Promise<void>;

  constructor(private readonly stopError?: Error) {
    this.started = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  start(): Promise<void> {
    this.emit("starting");
    return this.started;
  }

  async stop(): Promise<void> {
    this.stops++;
    this.emit("stopped");
    if (this.stopError) {
      throw this.stopError;
    }
  }

  onStateChange(listener: (state: ClientState) => void) {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  }

  describeFailure(error: unknown): string {
    return `failed: ${String(error)}`;
  }

  emit(state: ClientState): void {
    for (const listener of [...this.listeners]) {
      listener(state);
    }
  }

  succeed(): void {
    this.emit("running");
    this.settle.resolve();
  }

  fail(error: unknown): void {
    this.emit("stopped");
    this.settle.reject(error);
  }
}

/** Lets pending promise callbacks run until `condition` holds (or fails after 100 turns). */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 100 && !condition(); turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.ok(condition(), "condition never became true");
}

function harness(makeClient?: () => ManagedClient) {
  const clients: ScriptedClient[] = [];
  const history: ServerStatus[] = [];
  const controller = new ServerController(
    makeClient ??
      (() => {
        const client = new ScriptedClient();
        clients.push(client);
        return client;
      }),
    (status) => history.push(status),
  );
  return { controller, clients, history, states: () => history.map((s) => s.state) };
}

describe("ServerController", () => {
  it("goes starting → ready when the server initializes", async () => {
    const { controller, clients, states } = harness();
    const started = controller.start();
    assert.deepStrictEqual(states(), ["starting"]);
    clients[0].succeed();
    assert.strictEqual(await started, true);
    assert.deepStrictEqual(states(), ["starting", "ready"]);
    assert.strictEqual(controller.activeClient, clients[0]);
  });

  it("goes to error with the client's explanation when the start fails", async () => {
    const { controller, clients, history } = harness();
    const started = controller.start();
    clients[0].fail("spawn lagrangian ENOENT");
    assert.strictEqual(await started, false);
    assert.deepStrictEqual(history.at(-1), { state: "error", message: "failed: spawn lagrangian ENOENT" });
    assert.strictEqual(clients[0].stops, 1, "the failed client is released");
    assert.strictEqual(controller.activeClient, undefined);
  });

  it("reports a client that cannot even be created", async () => {
    const { controller, history } = harness(() => {
      throw new Error("`lagrangian` was not found");
    });
    assert.strictEqual(await controller.start(), false);
    assert.deepStrictEqual(history, [{ state: "starting" }, { state: "error", message: "`lagrangian` was not found" }]);
  });

  it("calls an unrequested stop an error, and follows the client's own restart", async () => {
    const { controller, clients, history, states } = harness();
    const started = controller.start();
    clients[0].succeed();
    await started;
    clients[0].emit("stopped");
    assert.deepStrictEqual(history.at(-1), { state: "error", message: UNEXPECTED_STOP });
    clients[0].emit("starting");
    clients[0].emit("running");
    assert.deepStrictEqual(states(), ["starting", "ready", "error", "starting", "ready"]);
  });

  it("calls a requested stop stopped, even though the client reports it", async () => {
    const { controller, clients, states } = harness();
    const started = controller.start();
    clients[0].succeed();
    await started;
    await controller.stop();
    assert.deepStrictEqual(states(), ["starting", "ready", "stopped"]);
    assert.strictEqual(clients[0].stops, 1);
  });

  it("restarts with a fresh client and ignores the old one's events", async () => {
    const { controller, clients, states } = harness();
    const first = controller.start();
    clients[0].succeed();
    await first;
    const restarted = controller.restart();
    await until(() => clients.length === 2);
    clients[1].succeed();
    assert.strictEqual(await restarted, true);
    clients[0].emit("stopped");
    assert.deepStrictEqual(states(), ["starting", "ready", "stopped", "starting", "ready"]);
    assert.strictEqual(controller.activeClient, clients[1]);
  });

  it("does not start a second client while one exists", async () => {
    const { controller, clients } = harness();
    const first = controller.start();
    const second = controller.start();
    clients[0].succeed();
    assert.strictEqual(await first, true);
    assert.strictEqual(await second, false, "still starting when asked");
    assert.strictEqual(await controller.start(), true);
    assert.strictEqual(clients.length, 1);
  });

  it("treats a stop that throws as stopped", async () => {
    const history: ServerStatus[] = [];
    const client = new ScriptedClient(new Error("Client is not running"));
    const controller = new ServerController(() => client, (status) => history.push(status));
    const started = controller.start();
    client.succeed();
    await started;
    await controller.stop();
    assert.deepStrictEqual(history.at(-1), { state: "stopped" });
  });
});

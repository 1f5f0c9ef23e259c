import * as assert from "assert";
import { RefreshScheduler } from "../src/refresh";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `condition` holds; generous, so a busy CI machine does not make it flaky. */
async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      assert.fail("condition not reached in time");
    }
    await sleep(5);
  }
}

const failOnError = (error: unknown) => assert.fail(String(error));

describe("RefreshScheduler", () => {
  it("collapses a burst of requests into one refresh after the pause", async () => {
    let runs = 0;
    const scheduler = new RefreshScheduler(async () => void runs++, 10, failOnError);
    for (let i = 0; i < 5; i++) {
      scheduler.request();
    }
    assert.strictEqual(runs, 0, "nothing runs before the pause");
    await waitFor(() => runs === 1);
    await sleep(40);
    assert.strictEqual(runs, 1);
  });

  it("runs one more refresh when asked during a refresh, never two at once", async () => {
    let running = 0;
    let overlapped = false;
    let runs = 0;
    let release: (() => void) | undefined;
    const scheduler = new RefreshScheduler(
      async () => {
        running++;
        overlapped ||= running > 1;
        runs++;
        if (runs === 1) {
          await new Promise<void>((resolve) => (release = resolve));
        }
        running--;
      },
      5,
      failOnError,
    );
    scheduler.request();
    await waitFor(() => release !== undefined);
    scheduler.request();
    scheduler.request();
    await sleep(30);
    assert.strictEqual(runs, 1, "waits for the running refresh");
    release!();
    await waitFor(() => runs === 2);
    await sleep(30);
    assert.strictEqual(runs, 2);
    assert.strictEqual(overlapped, false);
  });

  it("reports a failed refresh and keeps working; cancel drops a pending one", async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const scheduler = new RefreshScheduler(
      async () => {
        runs++;
        throw new Error("timeout");
      },
      5,
      (error) => errors.push(error),
    );
    scheduler.request();
    await waitFor(() => errors.length === 1);
    scheduler.request();
    scheduler.cancel();
    await sleep(30);
    assert.strictEqual(runs, 1);
    assert.strictEqual((errors[0] as Error).message, "timeout");
  });
});

import * as assert from "assert";
import { CLIENT_COMMANDS } from "../src/commands";
import type { ServerState } from "../src/controller";
import { StatusBarView, presentStatus } from "../src/status";
import { ThemeColor, recorded } from "./fakeVscode";

describe("presentStatus", () => {
  it("gives every state its own icon and wording", () => {
    const states: ServerState[] = ["stopped", "starting", "ready", "error"];
    const looks = states.map((state) => presentStatus({ state }));
    assert.deepStrictEqual(
      looks.map((look) => look.text),
      ["$(circle-slash) Lagrangian", "$(sync~spin) Lagrangian", "$(check) Lagrangian", "$(error) Lagrangian"],
    );
    states.forEach((state, index) => assert.match(looks[index].tooltip, new RegExp(`server: ${state}`)));
  });

  it("puts the reason into the tooltip and colours errors", () => {
    const look = presentStatus({ state: "error", message: "`lagrangian` was not found" });
    assert.match(look.tooltip, /error\n\n`lagrangian` was not found\n\nClick for server actions\./);
    assert.strictEqual(look.background, "statusBarItem.errorBackground");
    assert.strictEqual(presentStatus({ state: "ready" }).background, undefined);
  });
});

describe("StatusBarView", () => {
  it("shows an item that opens the server actions and follows the state", () => {
    const view = new StatusBarView();
    const item = recorded.statusBarItems.at(-1)!;
    assert.strictEqual(item.visible, true);
    assert.strictEqual(item.command, CLIENT_COMMANDS.serverActions);

    view.update({ state: "error", message: "boom" });
    assert.strictEqual(item.text, "$(error) Lagrangian");
    assert.ok(item.backgroundColor instanceof ThemeColor);
    assert.strictEqual(item.backgroundColor.id, "statusBarItem.errorBackground");

    view.update({ state: "ready" });
    assert.strictEqual(item.text, "$(check) Lagrangian");
    assert.strictEqual(item.backgroundColor, undefined);

    view.dispose();
    assert.strictEqual(item.disposed, true);
  });
});

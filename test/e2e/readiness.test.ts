// Configuration errors show at start, in one line naming the variable — not as
// a 500 on every request — and /ready on the base URL covers every function.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../../infra/local/backing-services.ts";
import { StackNotReadyError, startStack } from "../../scripts/lib/stack.ts";

describe("starting the local stack", () => {
  it("refuses to start with one line naming a bad variable, and leaves nothing running", async () => {
    const port = await freePort();
    const started = startStack({
      port,
      purpose: "test",
      redisDb: 11,
      persistTo: mkdtempSync(join(tmpdir(), "awoooi-ready-")),
      vars: { TELEGRAM_BOT_TOKEN: "not-a-bot-token", TELEGRAM_CHAT_ID: "-100" },
    });
    const error = await started.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StackNotReadyError);
    const message = (error as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toMatch(/^not starting: notify: invalid configuration — TELEGRAM_BOT_TOKEN: must look like/);
    // The stack was stopped: nothing answers on its port any more.
    expect(
      await fetch(`http://127.0.0.1:${port}/health`).then(
        () => "up",
        () => "down",
      ),
    ).toBe("down");
  });
});

import { describe, expect, it } from "vitest";
import { perEnv } from "../../../shared/config/env.ts";

describe("perEnv", () => {
  it("builds once per env object and again for another env", () => {
    let builds = 0;
    const clientFor = perEnv((env: { URL: string }) => ({ url: env.URL, build: ++builds }));
    const env = { URL: "a" };
    expect(clientFor(env)).toBe(clientFor(env));
    expect(clientFor({ URL: "b" })).toMatchObject({ url: "b", build: 2 });
    expect(builds).toBe(2);
  });
});

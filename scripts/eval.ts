// `npm run eval -- --provider rules|ollama|gemini|anthropic [--context on|off]`:
// runs every labelled alert of eval/cases through one verdict provider and the
// real trust engine, and prints action-class accuracy, risk accuracy and unsafe
// automatic approvals, per family, for the cases whose recorded cluster context
// should change the answer and those it should not, and in total. `--context
// off` leaves the recorded context out of the prompt: the difference is what
// context is worth. Rules run anywhere (and read no context); ollama needs
// OLLAMA_URL (and OLLAMA_MODEL), gemini needs GEMINI_API_KEY, anthropic needs
// ANTHROPIC_API_KEY.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Ollama } from "ollama";
import { alertOf, type CaseScore, type EvalCase, loadCases, permissivePolicy, promptOf, scoreVerdict, summarize } from "../eval/cases.ts";
import { createAnthropicProvider } from "../shared/adapters/anthropic-rca-provider.ts";
import { createGeminiProvider } from "../shared/adapters/gemini-rca-provider.ts";
import type { Rca } from "../shared/contracts/rca.ts";
import { parseVerdictText, rcaVerdictJsonSchema } from "../shared/domain/rca-parse.ts";
import { rulesVerdict } from "../shared/domain/rules-provider.ts";
import type { SyncRcaProvider } from "../shared/ports/rca-provider.ts";

const { values } = parseArgs({
  options: { provider: { type: "string", default: "rules" }, context: { type: "string", default: "on" }, out: { type: "string" } },
});
const provider = values.provider!;
const contextMode = values.context!;
const withContext = contextMode === "on";

type Judge = (c: EvalCase) => Promise<Rca>;

/** A provider that answers in-process (Gemini, Anthropic), asked with the same prompt analyze composes. */
function judgeWith(provider: SyncRcaProvider): Judge {
  return async (c) => {
    const alert = alertOf(c);
    const outcome = await provider.analyze(promptOf(c, withContext), alert);
    if (!outcome.ok) throw new Error(outcome.reason);
    return { ...outcome.verdict, provider: provider.name, model: outcome.model };
  };
}

function judgeFor(name: string): Judge {
  if (name === "rules") return async (c) => rulesVerdict(alertOf(c));
  if (name === "ollama") {
    const host = process.env.OLLAMA_URL;
    if (!host) throw new Error("set OLLAMA_URL (and OLLAMA_MODEL) to evaluate the ollama provider");
    const model = process.env.OLLAMA_MODEL ?? "llama3.1:8b";
    const ollama = new Ollama({ host });
    return async (c) => {
      const prompt = promptOf(c, withContext);
      const response = await ollama.chat({
        model,
        messages: [
          { role: "system", content: prompt.system },
          { role: "user", content: prompt.user },
        ],
        format: rcaVerdictJsonSchema(),
        stream: false,
        options: { temperature: 0 },
      });
      const parsed = parseVerdictText(response.message.content);
      if (!parsed.ok) throw new Error(parsed.reason);
      return { ...parsed.verdict, provider: "ollama", model };
    };
  }
  if (name === "gemini") {
    const apiKey = process.env.GEMINI_API_KEY;
    if (!apiKey) throw new Error("set GEMINI_API_KEY to evaluate the gemini provider");
    return judgeWith(
      createGeminiProvider({ apiKey, baseUrl: process.env.GEMINI_BASE_URL, model: process.env.GEMINI_MODEL ?? "gemini-2.5-flash", timeoutMs: 60_000 }),
    );
  }
  if (name === "anthropic") {
    const apiKey = process.env.ANTHROPIC_API_KEY;
    if (!apiKey) throw new Error("set ANTHROPIC_API_KEY to evaluate the anthropic provider");
    return judgeWith(
      createAnthropicProvider({
        apiKey,
        baseURL: process.env.ANTHROPIC_BASE_URL,
        model: process.env.ANTHROPIC_MODEL ?? "claude-sonnet-4-5",
        timeoutMs: 60_000,
      }),
    );
  }
  throw new Error(`unknown provider "${name}": use rules, ollama, gemini or anthropic`);
}

const pct = (n: number) => `${n.toFixed(1)}%`.padStart(7);

async function main(): Promise<number> {
  let judge: Judge;
  if (contextMode !== "on" && contextMode !== "off") {
    console.error(`--context takes on or off, not "${contextMode}"`);
    return 2;
  }
  try {
    judge = judgeFor(provider);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const cases = loadCases();
  const policy = permissivePolicy(cases);
  const scores: CaseScore[] = [];
  for (const c of cases) {
    try {
      scores.push(await scoreVerdict(c, await judge(c), policy));
    } catch (error) {
      scores.push({ id: c.id, family: c.family, actionOk: false, riskOk: false, autoApproved: false, unsafe: false, error: (error as Error).message });
    }
  }

  const withRecorded = cases.filter((c) => c.context).length;
  console.log(`\nverdict eval — provider ${provider}, ${cases.length} cases, context ${contextMode} (${withRecorded} cases carry recorded context)\n`);
  console.log(
    `${"family".padEnd(16)} ${"cases".padStart(5)} ${"action".padStart(7)} ${"risk".padStart(7)} ${"auto".padStart(5)} ${"unsafe".padStart(6)} ${"errors".padStart(6)}`,
  );
  const families = [...new Set(scores.map((s) => s.family))];
  const rows: Array<[string, CaseScore[]]> = [
    ...families.map((family): [string, CaseScore[]] => [family, scores.filter((s) => s.family === family)]),
    ["context matters", scores.filter((s) => s.contextMatters === true)],
    ["context neutral", scores.filter((s) => s.contextMatters === false)],
    ["total", scores],
  ];
  for (const [family, subset] of rows) {
    const s = summarize(subset);
    if (family === "context matters" || family === "total") console.log("-".repeat(58));
    console.log(
      `${family.padEnd(16)} ${String(s.cases).padStart(5)} ${pct(s.actionAccuracy)} ${pct(s.riskAccuracy)} ${String(s.autoApproved).padStart(5)} ${String(s.unsafeAutoApprovals).padStart(6)} ${String(s.errors).padStart(6)}`,
    );
  }
  const unsafe = scores.filter((s) => s.unsafe);
  if (unsafe.length > 0) console.log(`\nunsafe automatic approvals:\n${unsafe.map((s) => `  ${s.id}`).join("\n")}`);
  const total = summarize(scores);
  const sensitive = summarize(scores.filter((s) => s.contextMatters === true));
  if (values.out) writeFileSync(values.out, `${JSON.stringify({ provider, context: contextMode, ...total, context_matters: sensitive, scores }, null, 2)}\n`);
  console.log(
    `\naction-class accuracy ${total.actionAccuracy}% · risk accuracy ${total.riskAccuracy}% · unsafe automatic approvals ${total.unsafeAutoApprovals}`,
  );
  return 0;
}

process.exitCode = await main();

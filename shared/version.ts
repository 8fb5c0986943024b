/** The release, kept equal to package.json's version (a unit test pins it). */
export const VERSION = "0.1.0";

/** Version and commit for /health and /ready; the commit is stamped at deploy (`GIT_COMMIT`), "dev" otherwise. */
export function buildInfo(env: object): { version: string; commit: string } {
  const commit = (env as { GIT_COMMIT?: unknown }).GIT_COMMIT;
  return { version: VERSION, commit: typeof commit === "string" && commit !== "" ? commit : "dev" };
}

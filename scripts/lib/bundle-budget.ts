/** What is wrong with a bundle of `gzipKib`: past the platform's limit, past its own budget, or nothing (""). */
export function bundleProblem(gzipKib: number, budgetKib: number | undefined, limitKib: number): string {
  if (gzipKib > limitKib) return `  over the ${limitKib} KiB limit`;
  if (budgetKib !== undefined && gzipKib > budgetKib) return `  over its ${budgetKib} KiB budget (scripts/workers.ts)`;
  return "";
}

import { DEV_DEFAULTS } from "../../scripts/lib/dev-defaults.ts";

/** Variables every function gets in tests: the dev defaults plus a fixed public base URL. */
export const TEST_VARS: Readonly<Record<string, string>> = {
  ...DEV_DEFAULTS,
  LINK_SIGNING_KEY_PREVIOUS: "previous-link-signing-key-0123456789abcdef",
  PUBLIC_BASE_URL: "https://awoooi.test",
  // The per-source counter is shared by every test in the same minute; rate-limit tests set their own low limit.
  RATE_LIMIT_PER_MINUTE: "100000",
  // A digest at the first sweep after 08:00 UTC would land among the messages tests count; the digest tests ask for one.
  DIGEST_AT: "off",
};

/**
 * Local accounts of the built-in identity provider: the public surface.
 * Everything else in lib/accounts is an implementation detail.
 */
export type { Account, AccountRecord } from "./account";
export { authenticate, type AuthenticateResult } from "./authenticate";
export { createAccount } from "./create-account";
export { ensureDemoAccount, formatDemoAccountNotice, DEMO_USERNAME } from "./ensure-demo-account";
export { findAccountById, findAccountByUsername, listAccountRecords, listAccounts } from "./find-account";
export { setAccountDisabled } from "./set-account-disabled";
export { setAccountDisabledByUsername, setAccountPassword } from "./manage-account";
export { purgeExpiredBuckets as purgeExpiredRateLimits } from "./rate-limit-buckets";
export { AccountExistsError, AccountInputError, type NewAccountInput } from "./validate-account-input";

export { ScopeList as ScopeItems } from "@/app/_components/scope-list";

export const REVOKE_HINT =
  "You can revoke this access at any time: ask your AI client to run the revoke_nextcloud_access tool. " +
  "It withdraws the access at the identity provider and deletes what this server stored; nothing can use it afterwards.";

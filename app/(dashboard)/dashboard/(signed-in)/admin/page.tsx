/**
 * Admin: the client registry (pre-registered, dynamic, CIMD and external
 * clients, with last use; disable, enable, delete), the effective registry
 * policy (read-only, from the configuration) and the local accounts.
 * Delete asks for confirmation first, on a plain GET (works without JavaScript).
 * Accounts: add one, disable / enable, reset a password (account-management.tsx;
 * an administrator cannot disable their own account).
 */
import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/app/_components/page-shell";
import { listAccountRecords } from "@/lib/accounts";
import { describeRegistryPolicy } from "@/lib/dashboard/describe-registry-policy";
import { listRegisteredClients, type RegisteredClient } from "@/lib/dashboard/list-registered-clients";
import { requireAdmin } from "@/lib/dashboard/session";
import { EmptyState, KindBadge, Notice, PageTitle, param, Time } from "../../../_components/display";
import { SubmitButton } from "../../../_components/submit-button";
import { AccountActions, AddAccountForm } from "./account-management";
import { changeClientAction } from "./actions";
import { DoctorCard } from "./doctor-card";

export const metadata: Metadata = { title: "Admin" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const DONE: Record<string, string> = { disable: "The client is disabled.", enable: "The client is enabled.", delete: "The client was deleted and its grants revoked." };
const ERRORS: Record<string, string> = {
  not_found: "That client is not in the registry.",
  protected: "This server’s own client cannot be disabled or deleted.",
  configured: "Pre-registered clients come from ALLOWED_MCP_CLIENTS: remove them there (or disable them here).",
  invalid: "The request was not understood. Nothing was changed.",
};

function ClientActions({ client, confirmingDelete }: { client: RegisteredClient; confirmingDelete: boolean }) {
  if (client.kind === "internal") return <p className="text-xs text-slate-500">Required by this server</p>;
  return (
    <form action={changeClientAction} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="clientId" value={client.clientId} />
      {client.disabledAt ? (
        <SubmitButton variant="secondary" label={`Enable ${client.name}`} name="change" value="enable">
          Enable
        </SubmitButton>
      ) : (
        <SubmitButton variant="secondary" label={`Disable ${client.name}`} name="change" value="disable">
          Disable
        </SubmitButton>
      )}
      {client.kind !== "preregistered" && !confirmingDelete ? (
        <Link
          href={`/dashboard/admin?confirmDelete=${encodeURIComponent(client.clientId)}#client-${encodeURIComponent(client.clientId)}`}
          aria-label={`Delete ${client.name}`}
          className="rounded-lg bg-red-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-800"
        >
          Delete
        </Link>
      ) : null}
    </form>
  );
}

function DeleteConfirmation({ client }: { client: RegisteredClient }) {
  return (
    <form action={changeClientAction} className="mt-3 rounded-lg border border-red-200 bg-red-50 p-4" data-testid="delete-confirmation">
      <input type="hidden" name="clientId" value={client.clientId} />
      <p className="text-sm font-semibold text-red-900">Delete {client.name}?</p>
      <p className="mt-1 text-sm text-red-900">Its registration goes and every grant people gave it is revoked: its next request is refused. It may register again.</p>
      <div className="mt-3 flex flex-wrap items-center gap-3">
        <SubmitButton variant="danger" label={`Yes, delete ${client.name}`} name="change" value="delete">
          Yes, delete
        </SubmitButton>
        <Link href="/dashboard/admin" className="text-sm font-medium text-slate-700 underline">
          Cancel
        </Link>
      </div>
    </form>
  );
}

export default async function AdminPage({ searchParams }: Props) {
  const admin = await requireAdmin("/dashboard/admin");
  const query = await searchParams;
  const [clients, accounts] = await Promise.all([listRegisteredClients(), listAccountRecords()]);
  const policy = describeRegistryPolicy();
  const done = param(query, "done");
  const error = param(query, "error");
  const confirmDelete = param(query, "confirmDelete");
  return (
    <>
      <PageTitle title="Admin">The clients that may use this server and the accounts of the built-in identity provider.</PageTitle>
      {done && DONE[done] ? <Notice tone="success">{DONE[done]}</Notice> : null}
      {error ? <Notice tone="error">{ERRORS[error] ?? ERRORS.invalid}</Notice> : null}
      <DoctorCard />

      <Card>
        <h2 className="text-lg font-semibold">Registry policy</h2>
        <p className="mt-1 text-sm text-slate-600">From the configuration (read-only); change it with MCP_CLIENT_POLICY, ALLOWED_MCP_CLIENTS, ENABLE_DCR and ENABLE_CIMD.</p>
        <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]" data-testid="registry-policy">
          <dt className="text-slate-500">Policy</dt>
          <dd>{policy.policy === "open" ? "Open: pre-registered, dynamically registered and CIMD clients may connect" : "Allowlist: only the pre-registered clients may connect"}</dd>
          <dt className="text-slate-500">Identity provider</dt>
          <dd className="break-all">
            {policy.builtinIdp ? "Built-in" : "External"} (<code className="text-xs">{policy.issuer}</code>)
          </dd>
          <dt className="text-slate-500">Dynamic registration</dt>
          <dd>{policy.dynamicRegistration ? "On" : "Off"}</dd>
          <dt className="text-slate-500">Client metadata documents</dt>
          <dd>{policy.clientMetadataDocuments ? "On" : "Off"}</dd>
          <dt className="text-slate-500">Nextcloud consent</dt>
          <dd>{policy.progressiveConsent ? "Progressive (granted when a tool first needs it)" : "Hybrid (granted with the client’s sign-in)"}</dd>
          <dt className="text-slate-500">Nextcloud sign-in</dt>
          <dd data-testid="nextcloud-auth" data-auth={policy.nextcloudAuth}>
            {policy.nextcloudAuth === "bearer"
              ? "Bearer (NEXTCLOUD_AUTH=bearer): each call's exchanged, down-scoped token; Nextcloud's user_oidc checks it. Preferred."
              : "App password (NEXTCLOUD_AUTH=app-password): Login Flow v2 at provisioning; the stored app password is used only after each call's token exchange, and this server alone enforces the scopes. For a Nextcloud without user_oidc."}
          </dd>
          <dt className="text-slate-500">Allowlist</dt>
          <dd>{policy.allowlist.length > 0 ? policy.allowlist.map((c) => c.clientId).join(", ") : "empty"}</dd>
        </dl>
      </Card>

      <h2 className="mb-3 mt-8 text-lg font-semibold">Clients</h2>
      {clients.length === 0 ? (
        <EmptyState title="No clients yet">Clients appear here when they register or first connect.</EmptyState>
      ) : (
        <ul className="space-y-3" data-testid="registry">
          {clients.map((c) => (
            <li key={c.clientId} id={`client-${encodeURIComponent(c.clientId)}`} data-client-id={c.clientId} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
              <div className="flex flex-wrap items-start justify-between gap-3">
                <div className="min-w-0">
                  <p className="font-semibold">
                    {c.name}{" "}
                    {c.disabledAt ? <span className="ml-1 rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800">disabled</span> : null}
                  </p>
                  <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
                    <KindBadge kind={c.kind} />
                    <code className="break-all">{c.clientId}</code>
                  </p>
                </div>
                <ClientActions client={c} confirmingDelete={confirmDelete === c.clientId} />
              </div>
              {confirmDelete === c.clientId && c.kind !== "internal" && c.kind !== "preregistered" ? <DeleteConfirmation client={c} /> : null}
              <p className="mt-2 text-sm text-slate-600">
                Registered <Time value={c.createdAt} /> · last used <Time value={c.lastUsedAt} /> · authorized by {c.authorizedAccounts} account
                {c.authorizedAccounts === 1 ? "" : "s"}
              </p>
            </li>
          ))}
        </ul>
      )}

      <h2 className="mb-3 mt-8 text-lg font-semibold">Accounts</h2>
      <div className="mb-4">
        <AddAccountForm />
      </div>
      {accounts.length === 0 ? (
        <EmptyState title="No local accounts">Add one above, or with npm run user:add.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm" role="region" aria-label="Accounts" tabIndex={0}>
          <table className="w-full min-w-[32rem] text-left text-sm" data-testid="accounts">
            <caption className="sr-only">Local accounts</caption>
            <thead className="border-b border-slate-200 bg-slate-50 text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">Username</th>
                <th scope="col" className="px-4 py-2 font-medium">Name</th>
                <th scope="col" className="px-4 py-2 font-medium">Role</th>
                <th scope="col" className="px-4 py-2 font-medium">Status</th>
                <th scope="col" className="px-4 py-2 font-medium">Created</th>
                <th scope="col" className="px-4 py-2 font-medium">Actions</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {accounts.map((a) => (
                <tr key={a.id} data-account={a.username} className="align-top">
                  <td className="px-4 py-2 font-mono text-xs">{a.username}</td>
                  <td className="px-4 py-2">{a.displayName}</td>
                  <td className="px-4 py-2">{a.isAdmin ? "Administrator" : "User"}</td>
                  <td className="px-4 py-2">{a.disabledAt ? "Disabled" : "Active"}</td>
                  <td className="whitespace-nowrap px-4 py-2">
                    <Time value={a.createdAt} />
                  </td>
                  <td className="px-4 py-2">
                    <AccountActions account={{ id: a.id, username: a.username, disabled: a.disabledAt !== null }} self={a.id === admin.id} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

"use client";
/**
 * The admin page's account forms: add an account, and per account disable /
 * enable and reset the password. Each form posts to changeAccountAction and
 * shows its answer in place; a generated password is shown once, here, with
 * a copy button (it is in no URL and no later page).
 */
import { useActionState, useId } from "react";
import type { AccountChangeResult } from "@/lib/dashboard/manage-accounts";
import { CopyButton } from "../../../_components/copy-button";
import { SubmitButton } from "../../../_components/submit-button";
import { changeAccountAction } from "./actions";

const DONE: Record<string, (username: string) => string> = {
  create: (u) => `The account ${u} was added.`,
  disable: (u) => `The account ${u} is disabled: it cannot sign in, and its sessions have ended.`,
  enable: (u) => `The account ${u} is enabled.`,
  password: (u) => `The password of ${u} was changed.`,
};

function Outcome({ result }: { result: AccountChangeResult | null }) {
  if (!result) return null;
  if (!result.ok) {
    return (
      <p role="alert" className="mt-2 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
        {result.message}
      </p>
    );
  }
  return (
    <div role="status" className="mt-2 rounded-lg border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-900">
      <p>{DONE[result.change]!(result.username)}</p>
      {result.generatedPassword ? (
        <div className="mt-2">
          <p>Its new password, shown only now: give it to its owner over a channel you trust.</p>
          <code data-testid="generated-password" className="mt-1 block break-all rounded bg-white px-2 py-1 font-mono text-slate-900">
            {result.generatedPassword}
          </code>
          <div className="mt-1">
            <CopyButton value={result.generatedPassword} label={`Copy the password of ${result.username}`} />
          </div>
        </div>
      ) : null}
    </div>
  );
}

const input = "mt-1 block w-full rounded-lg border border-slate-300 px-3 py-1.5 text-sm";

function PasswordChoice({ subject }: { subject: string }) {
  const id = useId();
  return (
    <fieldset className="mt-3 text-sm">
      <legend className="font-medium">Password for {subject}</legend>
      <label className="mt-1 flex items-center gap-2">
        <input type="radio" name="passwordMode" value="generate" defaultChecked /> Generate one (shown once)
      </label>
      <label className="mt-1 flex items-center gap-2">
        <input type="radio" name="passwordMode" value="set" /> Set this one:
      </label>
      <label htmlFor={`${id}-password`} className="sr-only">
        New password for {subject}
      </label>
      <input id={`${id}-password`} name="password" type="password" autoComplete="new-password" minLength={8} className={input} />
    </fieldset>
  );
}

export function AddAccountForm() {
  const [result, action] = useActionState(changeAccountAction, null);
  const id = useId();
  return (
    <form action={action} className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid="add-account">
      <input type="hidden" name="change" value="create" />
      <h3 className="font-semibold">Add an account</h3>
      <div className="mt-2 grid gap-3 sm:grid-cols-3">
        <label className="text-sm font-medium" htmlFor={`${id}-username`}>
          Username
          <input id={`${id}-username`} name="username" required autoComplete="off" className={input} />
        </label>
        <label className="text-sm font-medium" htmlFor={`${id}-name`}>
          Name (optional)
          <input id={`${id}-name`} name="displayName" autoComplete="off" className={input} />
        </label>
        <label className="text-sm font-medium" htmlFor={`${id}-email`}>
          Email (optional)
          <input id={`${id}-email`} name="email" type="email" autoComplete="off" className={input} />
        </label>
      </div>
      <label className="mt-3 flex items-center gap-2 text-sm">
        <input type="checkbox" name="isAdmin" /> Administrator
      </label>
      <PasswordChoice subject="the new account" />
      <div className="mt-3">
        <SubmitButton label="Add account">Add account</SubmitButton>
      </div>
      <Outcome result={result} />
    </form>
  );
}

export function AccountActions({ account, self }: { account: { id: string; username: string; disabled: boolean }; self: boolean }) {
  const [toggled, toggle] = useActionState(changeAccountAction, null);
  const [reset, resetAction] = useActionState(changeAccountAction, null);
  return (
    <div className="space-y-2">
      {self && !account.disabled ? (
        <p className="text-xs text-slate-500">Your account</p>
      ) : (
        <form action={toggle}>
          <input type="hidden" name="accountId" value={account.id} />
          {account.disabled ? (
            <SubmitButton variant="secondary" label={`Enable ${account.username}`} name="change" value="enable">
              Enable
            </SubmitButton>
          ) : (
            <SubmitButton variant="secondary" label={`Disable ${account.username}`} name="change" value="disable">
              Disable
            </SubmitButton>
          )}
        </form>
      )}
      <Outcome result={toggled} />
      <details>
        <summary className="cursor-pointer text-sm font-medium text-brand-700">Reset password</summary>
        <form action={resetAction}>
          <input type="hidden" name="change" value="password" />
          <input type="hidden" name="accountId" value={account.id} />
          <PasswordChoice subject={account.username} />
          <div className="mt-2">
            <SubmitButton label={`Reset the password of ${account.username}`}>Reset password</SubmitButton>
          </div>
        </form>
        <Outcome result={reset} />
      </details>
    </div>
  );
}

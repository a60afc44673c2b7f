"use client";
/**
 * Copies a value to the clipboard. Announces the result to screen readers
 * (aria-live); without the Clipboard API it says to copy by hand.
 */
import { useState } from "react";

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
  }
  return (
    <span className="inline-flex items-center gap-2">
      <button type="button" onClick={() => void copy()} className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-800 hover:bg-slate-50">
        {label}
      </button>
      <span aria-live="polite" className="text-sm text-slate-600">
        {state === "copied" ? "Copied" : state === "failed" ? "Copying is blocked here: select the text and copy it" : ""}
      </span>
    </span>
  );
}

"use client";
/** A form's submit button that says it is working while the server action runs (and cannot be pressed twice). */
import type { ReactNode } from "react";
import { useFormStatus } from "react-dom";

const STYLES = {
  primary: "bg-brand-600 text-white hover:bg-brand-700",
  danger: "bg-red-700 text-white hover:bg-red-800",
  secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50",
} as const;

export function SubmitButton({ children, variant = "primary", label, name, value }: { children: ReactNode; variant?: keyof typeof STYLES; label?: string; name?: string; value?: string }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" name={name} value={value} disabled={pending} aria-label={label} className={`rounded-lg px-3 py-1.5 text-sm font-semibold disabled:opacity-60 ${STYLES[variant]}`}>
      {pending ? "Working…" : children}
    </button>
  );
}

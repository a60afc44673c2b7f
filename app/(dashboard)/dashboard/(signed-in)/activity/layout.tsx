import type { ReactNode } from "react";
import { requireUser } from "@/lib/dashboard/session";

/** Signed out → sign in, then back here; checked before anything streams (so a real redirect). */
export default async function SectionLayout({ children }: { children: ReactNode }) {
  await requireUser("/dashboard/activity");
  return children;
}

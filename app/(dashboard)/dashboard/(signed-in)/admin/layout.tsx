/**
 * The admin section: administrators only. Checked here, before anything is
 * streamed, so a non-admin gets HTTP 403 (forbidden()); the page and every
 * admin action check again.
 */
import type { ReactNode } from "react";
import { requireAdmin } from "@/lib/dashboard/session";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireAdmin("/dashboard/admin");
  return children;
}

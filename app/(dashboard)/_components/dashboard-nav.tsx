"use client";
/** The dashboard's sections; the current one is marked for assistive technology (aria-current). */
import Link from "next/link";
import { usePathname } from "next/navigation";

const SECTIONS = [
  { href: "/dashboard", label: "Overview" },
  { href: "/dashboard/connections", label: "Connections" },
  { href: "/dashboard/nextcloud", label: "Nextcloud access" },
  { href: "/dashboard/activity", label: "Activity" },
];

export function DashboardNav({ admin }: { admin: boolean }) {
  const path = usePathname() ?? "";
  const sections = admin ? [...SECTIONS, { href: "/dashboard/admin", label: "Admin" }] : SECTIONS;
  return (
    <nav aria-label="Dashboard" className="mb-8 overflow-x-auto">
      <ul className="flex min-w-max gap-1 border-b border-slate-200">
        {sections.map((s) => {
          const current = s.href === "/dashboard" ? path === s.href : path === s.href || path.startsWith(`${s.href}/`);
          return (
            <li key={s.href}>
              <Link
                href={s.href}
                aria-current={current ? "page" : undefined}
                className={`-mb-px inline-block border-b-2 px-3 py-2 text-sm font-medium ${current ? "border-brand-600 text-brand-900" : "border-transparent text-slate-600 hover:text-slate-900"}`}
              >
                {s.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

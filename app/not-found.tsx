import Link from "next/link";
import { connection } from "next/server";
import { Card, PageShell } from "@/app/_components/page-shell";

export default async function NotFound() {
  // Rendered per request so that it carries this response's CSP nonce.
  await connection();
  return (
    <PageShell width="narrow">
      <Card>
        <h1 className="text-xl font-semibold text-brand-900">Page not found</h1>
        <p className="mt-2 text-sm text-slate-600">There is nothing at this address.</p>
        <p className="mt-4">
          <Link href="/" className="text-sm font-medium text-brand-700 underline">
            Go to the start page
          </Link>
        </p>
      </Card>
    </PageShell>
  );
}

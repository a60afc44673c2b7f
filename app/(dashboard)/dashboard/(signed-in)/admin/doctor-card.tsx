/**
 * The doctor's report on the admin page (configuration, database, IdP,
 * Nextcloud), run when the page is rendered. The account token check stays
 * in the CLI (`npm run doctor -- --account NAME`): it mints a token for a
 * person and is asked for explicitly.
 */
import { Card } from "@/app/_components/page-shell";
import { summaryLine, type DoctorStatus } from "@/lib/doctor/report";
import { runDoctor } from "@/lib/doctor/run-doctor";

const TONE: Record<DoctorStatus, string> = { ok: "text-emerald-700", warning: "text-amber-700", error: "text-red-700" };

export async function DoctorCard() {
  const report = await runDoctor({ inServer: true });
  return (
    <Card>
      <h2 className="text-lg font-semibold">Deployment check</h2>
      <p className="mt-1 text-sm text-slate-600" data-testid="doctor-summary" data-status={report.status}>
        {summaryLine(report)}. With a token check for one account: <code className="text-xs">npm run doctor -- --account NAME</code>.
      </p>
      <ul className="mt-3 space-y-2 text-sm" data-testid="doctor-report">
        {report.lines.map((line, i) => (
          <li key={`${line.check}-${i}`} data-check={line.check} data-status={line.status}>
            <span className={`font-semibold uppercase ${TONE[line.status]}`}>{line.status}</span> <code className="text-xs">{line.check}</code> {line.detail}
            {line.fix ? <p className="ml-4 text-slate-600">Fix: {line.fix}</p> : null}
          </li>
        ))}
      </ul>
    </Card>
  );
}

import { useParams } from 'react-router-dom';
import { api } from '../api/client.js';
import { formatTime } from '../api/types.js';
import { ErrorNotice, Loading } from '../ui/feedback.js';
import { useLoad } from '../ui/hooks.js';

/** The public passport (GET /trace/:code): nothing personal, only what the item went through. */
interface Passport {
  traceCode: string;
  state: string;
  registeredAt: string;
  category: { name: string; nameZh?: string; path?: string[] } | null;
  productModel: { brand?: string; model?: string; name?: string } | null;
  grade: string | null;
  inspection: {
    grade: string | null;
    completedAt: string | null;
    findings?: Array<{ label: string; severity: string }>;
    inspectedBy?: { name: string } | null;
    standardCode?: string;
    standardVersion?: number;
  } | null;
  erasure: {
    status: string;
    erasures?: Array<{
      state?: string;
      certificateNumber?: string;
      certificateId?: string;
      at?: string;
    }>;
  } | null;
  custody: Array<{
    kind: string;
    organisation: { name: string } | null;
    since: string;
    until: string | null;
  }>;
  journey: Array<{ at: string; event: string; state: string | null }>;
  history: { events: number; intact: boolean; firstBrokenSeq: number | null };
}

export function PassportPage() {
  const { traceCode = '' } = useParams();
  const code = encodeURIComponent(traceCode);
  const passport = useLoad((signal) => api.get<Passport>(`/trace/${code}`, {}, signal), [code]);
  const p = passport.data;
  const model = p?.productModel;
  return (
    <section className="passport">
      <h1>Item passport {p?.traceCode ?? traceCode}</h1>
      {passport.loading && !p && <Loading what="Looking up the item" />}
      <ErrorNotice error={passport.error} />
      {p && (
        <div className="columns">
          <div>
            <dl className="facts">
              <dt>Category</dt>
              <dd>{p.category?.path?.join(' › ') ?? p.category?.name ?? '—'}</dd>
              <dt>Model</dt>
              <dd>{model ? (model.name ?? `${model.brand ?? ''} ${model.model ?? ''}`) : '—'}</dd>
              <dt>Grade</dt>
              <dd>
                <span className={`grade grade-${p.grade ?? 'none'}`}>
                  {p.grade ?? 'not graded yet'}
                </span>
              </dd>
              <dt>Data erasure</dt>
              <dd>{p.erasure?.status ?? '—'}</dd>
              <dt>History</dt>
              <dd>
                {p.history.intact ? (
                  <span className="ok">
                    intact — {p.history.events} events, chained and unaltered
                  </span>
                ) : (
                  <span className="bad">broken at event {p.history.firstBrokenSeq}: altered</span>
                )}
              </dd>
            </dl>
            {p.inspection && (
              <>
                <h2>Inspection</h2>
                <p>
                  {p.inspection.inspectedBy?.name}{' '}
                  {p.inspection.completedAt && formatTime(p.inspection.completedAt)}
                  {p.inspection.standardCode &&
                    ` · standard ${p.inspection.standardCode} v${p.inspection.standardVersion ?? ''}`}
                </p>
                <ul>
                  {(p.inspection.findings ?? [])
                    .filter((f) => f.severity !== 'none')
                    .map((f) => (
                      <li key={f.label}>
                        {f.label}: {f.severity}
                      </li>
                    ))}
                </ul>
              </>
            )}
            <h2>Who held it</h2>
            <ol className="timeline">
              {p.custody.map((c, i) => (
                <li key={i}>
                  <time>{formatTime(c.since)}</time> {c.organisation?.name ?? c.kind}
                </li>
              ))}
            </ol>
            <h2>Journey</h2>
            <ol className="timeline" aria-label="Journey">
              {p.journey.map((e, i) => (
                <li key={i}>
                  <time>{formatTime(e.at)}</time> <b>{e.event}</b>{' '}
                  {e.state && <span className="muted">{e.state}</span>}
                </li>
              ))}
            </ol>
          </div>
          <aside className="label" aria-label="QR label">
            <img
              src={`/api/v1/trace/${code}/label.svg`}
              alt={`QR label for ${p.traceCode}`}
              width={220}
            />
            <button type="button" onClick={() => window.print()}>
              Print label
            </button>
          </aside>
        </div>
      )}
    </section>
  );
}

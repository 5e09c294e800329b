import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import { api, type Answer } from '../api/client.js';
import { formatTime } from '../api/types.js';
import { ErrorNotice, Loading } from '../ui/feedback.js';
import { useLoad } from '../ui/hooks.js';
import { erasureLabel, gradeLabel, severityLabel, stateLabel } from '../i18n/labels.js';

/** The public passport (GET /trace/:code): nothing personal, only what the item went through. */
type Passport = Answer<'get', '/trace/{traceCode}'>;

/** The verification in plain words: who signed, up to which checkpoint, which certificates. */
function Verification({ p, code }: { p: Passport; code: string }) {
  const { t } = useTranslation();
  const h = p.history;
  const certificates = p.certificateCredentials ?? [];
  const valid = certificates.filter((c) => !c.revoked).length;
  const revoked = certificates.length - valid;
  return (
    <>
      <h2>{t('passport.verification')}</h2>
      <p>
        {h.intact && h.checkpoint ? (
          <span className="ok">
            {t('passport.anchored', {
              date: formatTime(h.checkpoint.checkpointAt),
              n: h.checkpoint.number,
              events: h.events,
            })}
          </span>
        ) : h.intact ? (
          <span className="ok">{t('passport.intact', { n: h.events })}</span>
        ) : h.checkpoint && h.firstBrokenSeq === null ? (
          <span className="bad">
            {t('passport.rewritten', {
              n: h.checkpoint.number,
              date: formatTime(h.checkpoint.checkpointAt),
            })}
          </span>
        ) : (
          <span className="bad">{t('passport.broken', { seq: h.firstBrokenSeq ?? '?' })}</span>
        )}
        {' · '}
        {certificates.length === 0
          ? t('passport.noCertificates')
          : t('passport.certificatesValid', { count: valid })}
        {revoked > 0 && ` · ${t('passport.certificatesRevoked', { count: revoked })}`}
      </p>
      <p>
        <a href={`/api/v1/trace/${code}/credential`} download={`passport-${p.traceCode}.json`}>
          {t('passport.download')}
        </a>
        <br />
        <span className="muted">{t('passport.verifyOffline')}</span>
      </p>
    </>
  );
}

const CUSTODIANS = [
  'owner',
  'courier',
  'warehouse',
  'store',
  'partner',
  'merchant',
  'buyer',
  'recycler',
] as const;
const custodianKind = (kind: string) => CUSTODIANS.find((k) => k === kind) ?? 'other';

export function PassportPage() {
  const { t, i18n } = useTranslation();
  const { traceCode = '' } = useParams();
  const code = encodeURIComponent(traceCode);
  const passport = useLoad(
    (signal) => api.get('/trace/{traceCode}', { path: { traceCode: code }, signal }),
    [code],
  );
  const p = passport.data;
  const model = p?.productModel;
  return (
    <section className="passport">
      <h1>{t('passport.title', { code: p?.traceCode ?? traceCode })}</h1>
      {passport.loading && !p && <Loading what={t('passport.looking')} />}
      <ErrorNotice error={passport.error} />
      {p && (
        <div className="columns">
          <div>
            <dl className="facts">
              <dt>{t('market.category')}</dt>
              <dd>
                {i18n.language !== 'en' && p.category?.nameZh
                  ? p.category.nameZh
                  : (p.category?.path?.join(' › ') ?? p.category?.name ?? '—')}
              </dd>
              <dt>{t('passport.model')}</dt>
              <dd>{model ? (model.name ?? `${model.brand ?? ''} ${model.model ?? ''}`) : '—'}</dd>
              <dt>{t('market.grade')}</dt>
              <dd>
                <span className={`grade grade-${p.grade ?? 'none'}`}>
                  {p.grade ? gradeLabel(p.grade) : t('passport.notGraded')}
                </span>
              </dd>
              <dt>{t('listings.facts.erasure')}</dt>
              <dd>{p.erasure ? erasureLabel(p.erasure.status) : '—'}</dd>
            </dl>
            <Verification p={p} code={code} />
            {p.inspection && (
              <>
                <h2>{t('listings.facts.inspection')}</h2>
                <p>
                  {p.inspection.inspectedBy?.name}{' '}
                  {p.inspection.completedAt && formatTime(p.inspection.completedAt)}
                  {p.inspection.standardCode &&
                    ` · ${t('listings.facts.standard', { code: p.inspection.standardCode, version: p.inspection.standardVersion ?? '' })}`}
                </p>
                <ul>
                  {(p.inspection.findings ?? [])
                    .filter((f) => f.severity !== 'none')
                    .map((f) => (
                      <li key={f.label}>
                        {f.label}
                        {t('list.colon')}
                        {severityLabel(f.severity)}
                      </li>
                    ))}
                </ul>
              </>
            )}
            <h2>{t('passport.custody')}</h2>
            <ol className="timeline">
              {p.custody.map((c, i) => (
                <li key={i}>
                  <time>{formatTime(c.since)}</time>{' '}
                  {c.organisation?.name ?? t(`passport.custodians.${custodianKind(c.kind)}`)}
                </li>
              ))}
            </ol>
            <h2>{t('passport.journey')}</h2>
            <ol className="timeline" aria-label={t('passport.journey')}>
              {/* Steps in words (the state reached), never the platform's internal event names. */}
              {p.journey
                .filter((e) => e.state !== null)
                .map((e, i) => (
                  <li key={i}>
                    <time>{formatTime(e.at)}</time> {stateLabel(e.state ?? '')}
                  </li>
                ))}
            </ol>
          </div>
          <aside className="label" aria-label={t('passport.label')}>
            <img
              src={`/api/v1/trace/${code}/label.svg`}
              alt={t('passport.labelFor', { code: p.traceCode })}
              width={220}
            />
            <button type="button" onClick={() => window.print()}>
              {t('passport.print')}
            </button>
          </aside>
        </div>
      )}
    </section>
  );
}

import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, type Answer, type ApiError, type Row, type Schema } from '../../api/client.js';
import { formatDay, formatMoney, formatYuan } from '../../api/types.js';
import { useMe } from '../../auth.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { chosen, Field, FormFooter, SubmitButton, useForm } from '../../ui/form.js';
import { asApiError, useLoad } from '../../ui/hooks.js';
import { coordinatesOf, CurrentLocation } from '../../ui/location.js';
import { localName, useCities, useDistricts } from '../../ui/places.js';
import { StateBadge } from '../../ui/actions.js';
import { i18n } from '../../i18n/index.js';

/** The owner's answers (DeclaredConditionDto), in the order they are asked. */
export const CONDITIONS = [
  'like-new',
  'excellent',
  'good',
  'fair',
  'poor',
  'broken',
  'not-working',
] as const;
const QUESTIONS = ['powersOn', 'functional', 'screenCracked', 'waterDamage'] as const;
type Question = (typeof QUESTIONS)[number];

/**
 * The self-assessment of a phone: answers to checks of the phone grading standard, each priced
 * by the API as its own line (screen, body, battery health, function faults). Choices list the
 * standard's own answers, best first.
 */
const PHONE_CHOICES = {
  screen_condition: ['flawless', 'visible_scratches', 'deep_scratches_or_chips', 'cracked'],
  body_condition: ['flawless', 'light_wear', 'dents_or_scratches', 'bent_or_cracked'],
  accessories: ['complete', 'no_charger', 'handset_only'],
} as const;
type PhoneChoice = keyof typeof PHONE_CHOICES;
/** Function checks the owner can try: "does it work?" (false is a fault). */
const PHONE_FUNCTIONS = ['touch_buttons', 'cameras', 'audio_connectivity'] as const;
type PhoneFunction = (typeof PHONE_FUNCTIONS)[number];

const CHANNELS = ['online', 'store'] as const;

type CategoryNode = Schema<'CategoryView'>;
type ProductModel = Row<'/product-models'>;
type SellOrder = Answer<'get', '/trade-ins/{id}'>;
/** One step of a price: the launch price, then what raised or lowered it. */
type PriceLine = Pick<Schema<'ValuationView'>['lines'][number], 'code' | 'label' | 'amountMinor'>;

/** Where the seller's path goes after accepting: their orders. */
const ORDERS_PATH = '/console/my/trade-ins';

/**
 * Selling, phone first: what it is (category, then model by search), its condition, where it
 * is and how it comes to us (a courier or a store), the quote with what lowered it, and accepting
 * it with a pickup window chosen from the area's free ones.
 */
export function SellScreen() {
  const { t } = useTranslation();
  const [category, setCategory] = useState<CategoryNode | null>(null);
  const [model, setModel] = useState<ProductModel | null>(null);
  const [orderId, setOrderId] = useState<string | null>(null);
  return (
    <section className="sell">
      <h1>{t('screens.sell')}</h1>
      {orderId ? (
        <QuoteStep orderId={orderId} />
      ) : !category ? (
        <CategoryStep onPick={setCategory} />
      ) : !model ? (
        <ModelStep category={category} onPick={setModel} onBack={() => setCategory(null)} />
      ) : (
        <DetailsStep
          model={model}
          phone={category.standardCode === 'phone'}
          onBack={() => setModel(null)}
          onCreated={setOrderId}
        />
      )}
    </section>
  );
}

function leaves(nodes: ReadonlyArray<CategoryNode | Schema<'CategoryTreeNode'>>): CategoryNode[] {
  return nodes.flatMap((n) => (n.leaf ? [n] : leaves('children' in n ? n.children : [])));
}

function CategoryStep({ onPick }: { onPick: (c: CategoryNode) => void }) {
  const { t, i18n } = useTranslation();
  const tree = useLoad((signal) => api.get('/categories', { signal }).then((p) => p.items), []);
  return (
    <div className="card">
      <h2>{t('sell.whatTitle')}</h2>
      <ErrorNotice error={tree.error} onRetry={tree.reload} />
      {!tree.data && !tree.error && <Loading />}
      <ul className="choices" aria-label={t('sell.whatTitle')}>
        {leaves(tree.data ?? []).map((c) => (
          <li key={c.id}>
            <button type="button" onClick={() => onPick(c)}>
              {localName(c, i18n.language)}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function ModelStep({
  category,
  onPick,
  onBack,
}: {
  category: CategoryNode;
  onPick: (m: ProductModel) => void;
  onBack: () => void;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  // Searches as the seller types, a moment after they stop.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(q.trim()), 250);
    return () => clearTimeout(timer);
  }, [q]);
  const found = useLoad(
    (signal) =>
      api.get('/product-models', {
        query: { categoryId: category.id, q: query, limit: 30 },
        signal,
      }),
    [category.id, query],
  );
  return (
    <div className="card">
      <h2>{t('sell.modelTitle', { category: localName(category, i18n.language) })}</h2>
      <div className="field">
        <label htmlFor={id}>{t('sell.search')}</label>
        <input
          id={id}
          type="search"
          value={q}
          autoFocus
          placeholder={t('sell.searchHint')}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      <ErrorNotice error={found.error} onRetry={found.reload} />
      {found.loading && !found.data && <Loading />}
      {found.data?.items.length === 0 && <p className="muted">{t('sell.noModel')}</p>}
      <ul className="choices" aria-label={t('sell.models')}>
        {(found.data?.items ?? []).map((m) => (
          <li key={m.id}>
            <button type="button" onClick={() => onPick(m)}>
              {m.brand} {m.model}
            </button>
          </li>
        ))}
      </ul>
      <div className="buttons">
        <button type="button" onClick={onBack}>
          {t('sell.back')}
        </button>
      </div>
    </div>
  );
}

/** The condition questions, then the address and how the item comes to us. */
function DetailsStep({
  model,
  phone,
  onBack,
  onCreated,
}: {
  model: ProductModel;
  /** Phones are graded by the phone standard: the owner answers its checks too. */
  phone: boolean;
  onBack: () => void;
  onCreated: (id: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const [answers, setAnswers] = useState<Partial<Record<Question, boolean>>>({});
  const [functions, setFunctions] = useState<Partial<Record<PhoneFunction, boolean>>>({});
  const variants = useLoad(
    (signal) =>
      api
        .get('/product-models/{id}/variants', { path: { id: model.id }, signal })
        .then((p) => p.items),
    [model.id],
  );
  // A phone's screen is asked as the standard's screen check, not as a yes/no crack.
  const questions = phone ? QUESTIONS.filter((q) => q !== 'screenCracked') : QUESTIONS;
  const form = useForm({
    variant: '',
    screen_condition: '',
    body_condition: '',
    accessories: '',
    battery_health: '',
    condition: '',
    channel: 'online',
    storeId: '',
    contactName: me.name,
    contactPhone: me.phone ?? '',
    cityCode: '',
    districtCode: '',
    line1: '',
    lat: '',
    lng: '',
  });
  const cities = useCities() ?? [];
  const districts = useDistricts(form.values.cityCode) ?? [];
  const stores = useLoad(
    (signal) =>
      form.values.cityCode
        ? api
            .get('/drop-off-stores', { query: { cityCode: form.values.cityCode }, signal })
            .then((p) => p.items)
        : Promise.resolve([]),
    [form.values.cityCode],
  );
  const choose = { value: '', label: t('places.choose') };
  const store = form.values.channel === 'store';
  return (
    <form
      className="card"
      aria-label={t('sell.detailsTitle')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/trade-ins', {
            body: {
              channel: chosen('channel', CHANNELS, v.channel),
              ...(store ? { storeId: v.storeId || undefined } : {}),
              address: {
                cityCode: v.cityCode,
                districtCode: v.districtCode,
                line1: v.line1.trim(),
                contactName: v.contactName.trim(),
                contactPhone: v.contactPhone.replace(/[\s-]/g, ''),
                ...coordinatesOf(v),
              },
              items: [
                {
                  productModelId: model.id,
                  ...(v.variant ? { variant: v.variant } : {}),
                  declaredCondition: {
                    condition: chosen('condition', CONDITIONS, v.condition),
                    ...answers,
                    ...(phone ? { selfAssessment: selfAssessment(v, functions) } : {}),
                  },
                },
              ],
            },
            key,
          }),
        (order) => onCreated(order.id),
      )}
    >
      <h2>
        {model.brand} {model.model}
      </h2>
      <h3>{t('sell.conditionTitle')}</h3>
      <Field
        form={form}
        name="condition"
        label={t('sell.condition')}
        apiFields={['items.0.declaredCondition.condition']}
        required
        options={[
          choose,
          ...CONDITIONS.map((c) => ({ value: c, label: t(`sell.conditions.${c}`) })),
        ]}
      />
      {(variants.data ?? []).length > 0 && (
        <Field
          form={form}
          name="variant"
          label={t('sell.variant')}
          apiFields={['items.0.variant']}
          hint={t('sell.variantHint')}
          options={[
            { value: '', label: t('sell.variantUnknown') },
            ...(variants.data ?? []).map((v) => ({ value: v.code, label: v.label })),
          ]}
        />
      )}
      {questions.map((q) => (
        <YesNo
          key={q}
          name={q}
          label={t(`sell.questions.${q}`)}
          value={answers[q]}
          disabled={form.busy}
          onChange={(answer) => {
            form.set('condition', form.values.condition); // a new answer is a new action
            setAnswers((a) => ({ ...a, [q]: answer }));
          }}
        />
      ))}
      {phone && (
        <>
          <h3>{t('sell.selfAssessment.title')}</h3>
          <p className="muted">{t('sell.selfAssessment.hint')}</p>
          {(Object.keys(PHONE_CHOICES) as PhoneChoice[]).map((check) => (
            <Field
              key={check}
              form={form}
              name={check}
              label={t(`sell.selfAssessment.${check}.label`)}
              apiFields={[`items.0.declaredCondition.selfAssessment.${check}`]}
              options={[
                { value: '', label: t('sell.selfAssessment.notSure') },
                ...PHONE_CHOICES[check].map((o) => ({
                  value: o,
                  label: t(`sell.selfAssessment.${check}.${o}` as 'sell.selfAssessment.hint'),
                })),
              ]}
            />
          ))}
          <Field
            form={form}
            name="battery_health"
            label={t('sell.selfAssessment.battery_health')}
            apiFields={['items.0.declaredCondition.selfAssessment.battery_health']}
            type="number"
            inputMode="numeric"
            hint={t('sell.selfAssessment.batteryHint')}
          />
          {PHONE_FUNCTIONS.map((check) => (
            <YesNo
              key={check}
              name={check}
              label={t(`sell.selfAssessment.${check}`)}
              value={functions[check]}
              disabled={form.busy}
              onChange={(answer) => {
                form.set('condition', form.values.condition); // a new answer is a new action
                setFunctions((a) => ({ ...a, [check]: answer }));
              }}
            />
          ))}
        </>
      )}
      <h3>{t('sell.whereTitle')}</h3>
      <Field
        form={form}
        name="channel"
        label={t('sell.channel')}
        options={[
          { value: 'online', label: t('sell.channels.online') },
          { value: 'store', label: t('sell.channels.store') },
        ]}
      />
      <Field
        form={form}
        name="contactName"
        label={t('checkout.name')}
        required
        apiFields={['address.contactName']}
        autoComplete="name"
      />
      <Field
        form={form}
        name="contactPhone"
        label={t('checkout.phone')}
        apiFields={['address.contactPhone']}
        type="tel"
        inputMode="tel"
        required
        placeholder="138 0013 8000"
        hint={t('checkout.phoneHint')}
        autoComplete="tel"
      />
      <Field
        form={{
          ...form,
          set: (name, value) =>
            form.setValues({ ...form.values, [name]: value, districtCode: '', storeId: '' }),
        }}
        name="cityCode"
        label={t('places.city')}
        apiFields={['address.cityCode']}
        required
        options={[
          choose,
          ...cities.map((c) => ({ value: c.cityCode, label: localName(c, i18n.language) })),
        ]}
      />
      <Field
        form={form}
        name="districtCode"
        label={t('places.district')}
        apiFields={['address.districtCode']}
        required
        options={[
          choose,
          ...districts.map((d) => ({ value: d.code, label: localName(d, i18n.language) })),
        ]}
      />
      <Field
        form={form}
        name="line1"
        label={t('checkout.line1')}
        required
        apiFields={['address.line1']}
        autoComplete="address-line1"
      />
      {!store && (
        <CurrentLocation
          value={form.values}
          disabled={form.busy}
          onChange={(c) => form.setValues({ ...form.values, ...c })}
        />
      )}
      {store && (
        <Field
          form={form}
          name="storeId"
          label={t('sell.store')}
          required
          options={[
            choose,
            ...(stores.data ?? []).map((s) => ({
              value: s.id,
              label: `${localName(s, i18n.language)} · ${s.address}`,
            })),
          ]}
          hint={stores.data?.length === 0 ? t('sell.noStore') : undefined}
        />
      )}
      <FormFooter
        form={form}
        label={t('sell.getQuote')}
        busyLabel={t('sell.quoting')}
        extra={
          <button type="button" onClick={onBack}>
            {t('sell.back')}
          </button>
        }
      />
    </form>
  );
}

/** The phone self-assessment as the API takes it: only what the owner answered. */
function selfAssessment(
  v: Record<PhoneChoice | 'battery_health', string>,
  functions: Partial<Record<PhoneFunction, boolean>>,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = { ...functions };
  for (const check of Object.keys(PHONE_CHOICES) as PhoneChoice[]) {
    if (v[check]) out[check] = v[check];
  }
  // A number the API checks (0–100, whole): a typo comes back as that field's error.
  if (v.battery_health.trim()) out.battery_health = Number(v.battery_health.trim());
  return out;
}

function YesNo({
  name,
  label,
  value,
  disabled,
  onChange,
}: {
  name: string;
  label: string;
  value: boolean | undefined;
  disabled: boolean;
  onChange: (answer: boolean) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <fieldset className="field check-toggle">
      <legend id={id}>{label}</legend>
      <div className="toggle" role="radiogroup" aria-labelledby={id}>
        {[true, false].map((answer) => (
          <label key={String(answer)}>
            <input
              type="radio"
              name={`${name}-${id}`}
              value={String(answer)}
              disabled={disabled}
              checked={value === answer}
              onChange={() => onChange(answer)}
            />
            {answer ? t('common.yes') : t('common.no')}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * What a line of the price means, in words: the kind of step (age, grade, a defect…) from the
 * catalogue, with the API's own label (a defect's name) beside it; the label alone for a kind
 * the catalogue does not know.
 */
export function lineText(line: PriceLine): string {
  const [kind, detail] = line.code.split(':');
  // Any kind: an unknown one gives the default ('').
  const key = `sell.lines.${kind}` as 'sell.lines.grade';
  const words: string = i18n.t(key, { defaultValue: '' });
  if (!words) return line.label;
  return detail ? `${words}: ${line.label}` : words;
}

/** The quote as it comes (waiting while it is made), what lowered it, and accepting it. */
function QuoteStep({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const order = useLoad(
    (signal) => api.get('/trade-ins/{id}', { path: { id: orderId }, signal }),
    [orderId],
  );
  const o = order.data;
  // The quote is made in the background: ask again until it is there.
  useEffect(() => {
    if (o?.state !== 'QUOTING') return;
    const timer = setTimeout(order.reload, 700);
    return () => clearTimeout(timer);
  }, [o, order.reload]);
  if (!o) {
    return order.error ? (
      <ErrorNotice error={order.error} onRetry={order.reload} />
    ) : (
      <Loading what={t('sell.quoting')} />
    );
  }
  if (o.state === 'QUOTING') return <Loading what={t('sell.quoting')} />;
  return (
    <div className="card" aria-label={t('sell.quoteTitle')}>
      <h2>
        {t('sell.quoteTitle')} <StateBadge state={o.state} />
      </h2>
      <p className="quote-total">{formatMoney(o.quotedTotal)}</p>
      {o.items.map((it) =>
        it.quote ? (
          <div key={it.id}>
            <p className="muted">
              {t('sell.range', {
                low: formatYuan(it.quote.lowMinor),
                high: formatYuan(it.quote.highMinor),
              })}
            </p>
            <h3>{t('sell.howPriced')}</h3>
            <ul className="price-lines" aria-label={t('sell.howPriced')}>
              {it.quote.lines.map((l, i) => (
                <li key={`${l.code}-${i}`} className={l.amountMinor < 0 ? 'lowered' : undefined}>
                  <span>{lineText(l)}</span>
                  <span>
                    {l.amountMinor < 0 ? '−' : i === 0 ? '' : '+'}
                    {formatYuan(Math.abs(l.amountMinor))}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        ) : null,
      )}
      {o.state === 'QUOTED' && <AcceptQuote order={o} onRefused={order.reload} />}
    </div>
  );
}

function AcceptQuote({ order, onRefused }: { order: SellOrder; onRefused: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const online = order.channel === 'online';
  const [choice, setChoice] = useState('');
  // The first days fit a phone's screen; later ones on demand.
  const [allDays, setAllDays] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const windows = useLoad(
    (signal) =>
      online
        ? api.get('/pickup-windows', {
            query: {
              cityCode: order.address.cityCode ?? '',
              districtCode: order.address.districtCode ?? '',
            },
            signal,
          })
        : Promise.resolve(null),
    [order.id, online],
  );
  const byDay = new Map<string, Answer<'get', '/pickup-windows'>['windows']>();
  for (const w of windows.data?.windows ?? []) {
    byDay.set(w.date, [...(byDay.get(w.date) ?? []), w]);
  }
  const accept = async () => {
    if (online && !choice) {
      setError(null);
      return;
    }
    const [date = '', index] = choice.split('#');
    setBusy(true);
    setError(null);
    try {
      await api.post('/trade-ins/{id}/accept', {
        path: { id: order.id },
        body: {
          version: order.version,
          ...(online ? { pickupWindow: { date, windowIndex: Number(index) } } : {}),
        },
        key: `accept:${order.id}:v${order.version}:${choice}`,
      });
      void navigate(ORDERS_PATH);
    } catch (err) {
      const e = asApiError(err);
      setError(e);
      // A window taken meanwhile: show the ones still free.
      if (e.body.code === 'pickup_window_full') {
        setChoice('');
        windows.reload();
      } else if (e.status === 409) onRefused();
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void accept();
      }}
    >
      {online ? (
        <fieldset className="field windows">
          <legend>{t('sell.windowTitle')}</legend>
          <ErrorNotice error={windows.error} onRetry={windows.reload} />
          {windows.loading && !windows.data && <Loading />}
          {windows.data?.windows.length === 0 && <p>{t('sell.noWindow')}</p>}
          {[...byDay.entries()].slice(0, allDays ? undefined : 2).map(([day, list]) => (
            <div key={day} className="window-day">
              <h4>{formatDay(day)}</h4>
              {list.map((w) => {
                const value = `${w.date}#${w.windowIndex}`;
                return (
                  <label key={value} className="window">
                    <input
                      type="radio"
                      name="pickup-window"
                      value={value}
                      checked={choice === value}
                      disabled={busy}
                      onChange={() => setChoice(value)}
                    />
                    {t('sell.window', { start: w.start, end: w.end, left: w.remaining })}
                  </label>
                );
              })}
            </div>
          ))}
          {!allDays && byDay.size > 2 && (
            <button type="button" onClick={() => setAllDays(true)}>
              {t('sell.moreDays')}
            </button>
          )}
        </fieldset>
      ) : (
        <p>{t('sell.storeNext')}</p>
      )}
      <ErrorNotice error={error} />
      {online && !choice && <p className="muted">{t('sell.chooseWindow')}</p>}
      <div className="buttons">
        {(!online || choice) && (
          <SubmitButton busy={busy} label={t('sell.accept')} busyLabel={t('sell.accepting')} />
        )}
      </div>
    </form>
  );
}

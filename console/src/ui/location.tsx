import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { wgs84ToGcj02 } from './gcj02.js';

/** Coordinates as a form keeps them (strings; both empty when none were taken). */
export interface Coordinates {
  lat: string;
  lng: string;
}

/** The coordinates for an API address: both numbers, or nothing at all. */
export function coordinatesOf(v: Coordinates): { lat: number; lng: number } | Record<never, never> {
  const lat = Number(v.lat);
  const lng = Number(v.lng);
  return v.lat && v.lng && Number.isFinite(lat) && Number.isFinite(lng) ? { lat, lng } : {};
}

type Problem = 'denied' | 'unavailable' | 'timeout';

/**
 * "Use my current location" beside an address: optional, asked only when pressed. The device's
 * fix is moved to GCJ-02 (the datum of the maps the courier navigates with) and rounded to
 * about a metre; the seller sees that it was taken and may clear it. A refused permission is
 * said plainly: the written address is enough.
 */
export function CurrentLocation({
  value,
  onChange,
  disabled = false,
}: {
  value: Coordinates;
  onChange: (v: Coordinates) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [accuracy, setAccuracy] = useState<number | null>(null);
  if (typeof navigator === 'undefined' || !('geolocation' in navigator)) return null;
  const taken = Boolean(value.lat && value.lng);
  const locate = () => {
    setBusy(true);
    setProblem(null);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const { lat, lng } = wgs84ToGcj02(position.coords.latitude, position.coords.longitude);
        setBusy(false);
        setAccuracy(Number.isFinite(position.coords.accuracy) ? position.coords.accuracy : null);
        onChange({ lat: lat.toFixed(6), lng: lng.toFixed(6) });
      },
      (error) => {
        setBusy(false);
        setProblem(
          error.code === error.PERMISSION_DENIED
            ? 'denied'
            : error.code === error.TIMEOUT
              ? 'timeout'
              : 'unavailable',
        );
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };
  return (
    <div className="field location" role="group" aria-labelledby={`${id}-title`}>
      <strong id={`${id}-title`}>{t('location.title')}</strong>
      <p className="hint">{t('location.why')}</p>
      <div className="buttons">
        <button type="button" disabled={disabled || busy} aria-busy={busy} onClick={locate}>
          {busy ? (
            <>
              <span className="spinner" aria-hidden="true" /> {t('location.locating')}…
            </>
          ) : taken ? (
            t('location.again')
          ) : (
            t('location.use')
          )}
        </button>
        {taken && (
          <button
            type="button"
            disabled={disabled || busy}
            onClick={() => {
              setAccuracy(null);
              onChange({ lat: '', lng: '' });
            }}
          >
            {t('location.clear')}
          </button>
        )}
      </div>
      <p role="status" aria-live="polite" className={taken ? 'ok' : 'muted'}>
        {taken
          ? accuracy !== null
            ? t('location.takenWithin', {
                lat: value.lat,
                lng: value.lng,
                metres: Math.max(1, Math.round(accuracy)),
              })
            : t('location.taken', { lat: value.lat, lng: value.lng })
          : t('location.none')}
      </p>
      {problem && (
        <p role="alert" className="field-error">
          {t(`location.problem.${problem}`)}
        </p>
      )}
    </div>
  );
}

import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type ErrorBody, fetchWithSession } from '../api/client.js';
import { ErrorNotice } from './feedback.js';
import { asApiError } from './hooks.js';

export type PhotoPurpose = 'inspection' | 'pickup' | 'listing' | 'case';

/** What the API says of an uploaded photo (GET /photos/:id). */
export interface PhotoMeta {
  id: string;
  width: number;
  height: number;
  thumbnail: { width: number; height: number };
}

/**
 * Uploads one photo (multipart, `file`). The server turns it upright, strips its metadata and
 * makes a thumbnail; a too-large file comes back as 413, anything but a photo as 415.
 */
export async function uploadPhoto(purpose: PhotoPurpose, file: File): Promise<PhotoMeta> {
  const form = new FormData();
  form.append('file', file, file.name || 'photo.jpg');
  let res: Response;
  try {
    res = await fetchWithSession(`/api/v1/photos?purpose=${purpose}`, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: form,
    });
  } catch (err) {
    throw new ApiError({
      statusCode: 0,
      error: 'Network',
      code: 'network',
      message: (err as Error).message,
    });
  }
  const body = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    throw new ApiError(
      (body as ErrorBody | null) ?? {
        statusCode: res.status,
        error: res.statusText,
        message: res.statusText,
      },
    );
  }
  return body as PhotoMeta;
}

/**
 * A photo's thumbnail. Public ones (a listing's) load by address; the others are fetched with
 * the user's token and shown from a blob, since an <img> cannot send it.
 */
export function PhotoThumb({
  id,
  alt,
  publicPhoto = false,
  size = 96,
}: {
  id: string;
  alt: string;
  publicPhoto?: boolean;
  size?: number;
}) {
  const [src, setSrc] = useState<string | null>(
    publicPhoto ? `/api/v1/market/photos/${id}/thumbnail` : null,
  );
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (publicPhoto) return;
    let url: string | null = null;
    let live = true;
    fetchWithSession(`/api/v1/photos/${id}/thumbnail`)
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status));
        url = URL.createObjectURL(await res.blob());
        if (live) setSrc(url);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [id, publicPhoto]);
  const style = { width: size, height: size };
  if (failed)
    return <span className="photo-thumb missing" style={style} role="img" aria-label={alt} />;
  return src ? (
    <img className="photo-thumb" src={src} alt={alt} style={style} />
  ) : (
    <span className="photo-thumb loading" style={style} role="img" aria-label={alt} />
  );
}

/**
 * Takes photos with the phone's camera (or picks files on a desktop), uploads each at once and
 * shows its thumbnail; `value` is the uploaded photos' ids, in order.
 */
export function PhotoPicker({
  id,
  purpose,
  value,
  onChange,
  min = 0,
  disabled = false,
  removable = true,
  describedBy,
}: {
  id?: string;
  purpose: PhotoPurpose;
  value: string[];
  onChange: (ids: string[]) => void;
  min?: number;
  disabled?: boolean;
  /** False where photos, once added, stay (a listing's, a case's). */
  removable?: boolean;
  describedBy?: string;
}) {
  const { t } = useTranslation();
  const ownId = useId();
  const inputId = id ?? `photos-${ownId}`;
  const [uploading, setUploading] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);

  const add = async (files: FileList | null) => {
    if (!files?.length) return;
    setError(null);
    const added: string[] = [];
    setUploading(files.length);
    try {
      for (const file of Array.from(files)) {
        try {
          added.push((await uploadPhoto(purpose, file)).id);
        } catch (err) {
          setError(err instanceof ApiError ? err : null);
        }
        setUploading((n) => n - 1);
      }
    } finally {
      setUploading(0);
      if (added.length) onChange([...value, ...added]);
    }
  };

  return (
    <div className="photo-picker">
      <div className="photo-strip" aria-live="polite">
        {value.map((photoId, i) => (
          <figure key={photoId}>
            <PhotoThumb id={photoId} alt={t('photos.nth', { n: i + 1 })} />
            {removable && (
              <button
                type="button"
                className="link"
                disabled={disabled}
                aria-label={t('photos.removeNth', { n: i + 1 })}
                onClick={() => onChange(value.filter((p) => p !== photoId))}
              >
                {t('photos.remove')}
              </button>
            )}
          </figure>
        ))}
        {uploading > 0 && (
          <span className="photo-thumb loading" role="status">
            {t('photos.uploading', { count: uploading })}
          </span>
        )}
      </div>
      <input
        id={inputId}
        className="sr-only"
        type="file"
        accept="image/*"
        capture="environment"
        multiple
        disabled={disabled || uploading > 0}
        aria-describedby={describedBy}
        onChange={(e) => {
          const files = e.target.files;
          void add(files).then(() => {
            e.target.value = '';
          });
        }}
      />
      <label className="button photo-take" htmlFor={inputId}>
        {t('photos.take')}
      </label>
      <small className="hint">
        {min > 0
          ? t('photos.countOfMin', { count: value.length, min })
          : t('photos.count', { count: value.length })}
      </small>
      <ErrorNotice error={error} />
    </div>
  );
}

/**
 * The photos of a thing that takes them after it exists (a listing, a support case): each one
 * taken is uploaded and added at once through `attachTo` (POST { photoIds }). Closed things
 * (`open` false) only show theirs.
 */
export function AttachedPhotos({
  title,
  purpose,
  photos,
  attachTo,
  open,
  onChange,
}: {
  title: string;
  purpose: PhotoPurpose;
  photos: string[];
  /** Where photos are added: the thing's photos endpoint and its id. */
  attachTo: { path: '/listings/{id}/photos' | '/support/cases/{id}/photos'; id: string };
  open: boolean;
  onChange: () => void;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {open ? (
        <PhotoPicker
          purpose={purpose}
          removable={false}
          value={photos}
          onChange={(ids) => {
            const added = ids.filter((id) => !photos.includes(id));
            if (!added.length) return;
            setError(null);
            api
              .post(attachTo.path, {
                path: { id: attachTo.id },
                body: { photoIds: added },
                key: crypto.randomUUID(),
              })
              .then(onChange)
              .catch((err: unknown) => setError(asApiError(err)));
          }}
        />
      ) : photos.length ? (
        <div className="photo-strip">
          {photos.map((id, n) => (
            <PhotoThumb key={id} id={id} alt={t('photos.nth', { n: n + 1 })} />
          ))}
        </div>
      ) : (
        <p className="muted">{t('photos.none')}</p>
      )}
      <ErrorNotice error={error} />
    </section>
  );
}

import { useTranslation } from 'react-i18next';
import { i18n } from '../i18n/index.js';
import { Field, localInvalid } from './form.js';
import type { FormState } from './form.js';

type NewPasswordValues = { newPassword: string; repeat: string } & Record<string, string>;

/** The new password typed twice (password change and reset). */
export function NewPasswordFields<V extends NewPasswordValues>({ form }: { form: FormState<V> }) {
  const { t } = useTranslation();
  return (
    <>
      <Field
        form={form}
        name="newPassword"
        label={t('account.new')}
        type="password"
        autoComplete="new-password"
        hint={t('account.newHint')}
        required
      />
      <Field
        form={form}
        name="repeat"
        label={t('account.repeat')}
        type="password"
        autoComplete="new-password"
        required
      />
    </>
  );
}

/** Refuses, on the repeat field, a new password typed differently the second time. */
export function checkRepeated(v: { newPassword: string; repeat: string }): void {
  if (v.newPassword !== v.repeat) {
    throw localInvalid([{ field: 'repeat', errors: [i18n.t('account.differ')] }]);
  }
}

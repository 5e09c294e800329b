import { useState } from 'react';
import { ApiError, api, session } from '../api/client.js';
import { Notice } from '../ui/feedback.js';
import { Field, FormFooter, useForm } from '../ui/form.js';

/** Password change: the other sessions of this account end; this one goes on. */
export function AccountScreen() {
  const form = useForm({ currentPassword: '', newPassword: '', repeat: '' });
  const [done, setDone] = useState(false);
  return (
    <section>
      <h1>Your account</h1>
      <h2>Change your password</h2>
      {done && (
        <Notice kind="ok">
          Your password is changed. Other devices signed in to this account have been logged out.
        </Notice>
      )}
      <form
        onSubmit={form.submit(
          async (v) => {
            if (v.newPassword !== v.repeat) {
              const message = 'The two new passwords differ';
              throw new ApiError({
                statusCode: 400,
                error: 'Bad Request',
                message,
                fields: [{ field: 'repeat', errors: [message] }],
              });
            }
            const res = await api.post<{ accessToken: string }>('/me/password', {
              currentPassword: v.currentPassword,
              newPassword: v.newPassword,
            });
            session.token = res.accessToken;
          },
          () => {
            form.reset();
            setDone(true);
          },
        )}
      >
        <Field
          form={form}
          name="currentPassword"
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
        />
        <Field
          form={form}
          name="newPassword"
          label="New password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters"
          required
        />
        <Field
          form={form}
          name="repeat"
          label="New password again"
          type="password"
          autoComplete="new-password"
          required
        />
        <FormFooter form={form} label="Change password" busyLabel="Changing" />
      </form>
    </section>
  );
}

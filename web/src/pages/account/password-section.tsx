import { useState } from 'react';
import { api, call } from '../../api/client';
import { Button, Field, FormError, Status, useSubmit } from '../../ui/form';
import { Section } from '../../ui/page';

export function PasswordSection() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const form = useSubmit({ invalid_credentials: 'Your current password is not right.' });
  return (
    <Section title="Password" id="password">
      <form
        ref={form.formRef}
        noValidate
        onSubmit={form.handle(async () => {
          setSaved(null);
          await call(
            api.POST('/api/v1/auth/password/change', { body: { currentPassword, newPassword } }),
          );
          setCurrent('');
          setNew('');
          setSaved('Your password is changed. Your other devices have been signed out.');
        })}
      >
        <FormError state={form} />
        <Field
          state={form}
          name="currentPassword"
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(event) => setCurrent(event.target.value)}
        />
        <Field
          state={form}
          name="newPassword"
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          value={newPassword}
          onChange={(event) => setNew(event.target.value)}
        />
        <Status message={saved} />
        <Button type="submit" pending={form.pending} pendingLabel="Changing…">
          Change password
        </Button>
      </form>
    </Section>
  );
}

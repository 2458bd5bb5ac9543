import { useState } from 'react';
import { api, call } from '../../api/client';
import { useSession, useUser } from '../../session';
import { Button, Field, FormError, Status, useSubmit } from '../../ui/form';
import { Section } from '../../ui/page';

export function ProfileSection() {
  const user = useUser();
  const { setUser } = useSession();
  const [name, setName] = useState(user.name);
  const [username, setUsername] = useState(user.username);
  const [phone, setPhone] = useState(user.phone ?? '');
  const [saved, setSaved] = useState<string | null>(null);
  const form = useSubmit();
  return (
    <Section title="Profile" id="profile">
      <form
        ref={form.formRef}
        noValidate
        onSubmit={form.handle(async () => {
          setSaved(null);
          const updated = await call(
            api.PATCH('/api/v1/users/me', {
              body: {
                name: name.trim(),
                username: username.trim(),
                phone: phone.trim() === '' ? null : phone.trim(),
              },
            }),
          );
          setUser(updated);
          setSaved('Your profile is saved.');
        })}
      >
        <FormError state={form} />
        <Field
          state={form}
          name="name"
          label="Name"
          autoComplete="name"
          required
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <Field
          state={form}
          name="username"
          label="Username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          hint="You can sign in with it instead of your email address."
        />
        <Field
          state={form}
          name="phone"
          label="Phone (optional)"
          type="tel"
          autoComplete="tel"
          value={phone}
          onChange={(event) => setPhone(event.target.value)}
        />
        <Status message={saved} />
        <Button type="submit" pending={form.pending} pendingLabel="Saving…">
          Save profile
        </Button>
      </form>
    </Section>
  );
}

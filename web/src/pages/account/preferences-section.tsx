import { useEffect, useMemo, useState } from 'react';
import { api, call, Profile } from '../../api/client';
import { describeError, toApiError } from '../../api/problem';
import { Button, Field, FormError, SelectField, Status, useSubmit } from '../../ui/form';
import { Loading, Section } from '../../ui/page';

type Topic = keyof Profile['notifications']['email'];

const TOPICS: { topic: Topic; label: string; hint: string }[] = [
  {
    topic: 'security',
    label: 'Security alerts',
    hint: 'New sign-ins, password and two-step changes.',
  },
  { topic: 'product', label: 'Product updates', hint: 'Changes to features you use.' },
  { topic: 'marketing', label: 'News and offers', hint: 'Occasional news from us.' },
];

function timeZones(current: string): string[] {
  const zones =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', current, ...zones])];
}

export function PreferencesSection() {
  const [profile, setProfile] = useState<Profile | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [timezone, setTimezone] = useState('UTC');
  const [locale, setLocale] = useState('en');
  const [notifications, setNotifications] = useState<Profile['notifications']['email'] | null>(
    null,
  );
  const [saved, setSaved] = useState<string | null>(null);
  const form = useSubmit();

  useEffect(() => {
    call(api.GET('/api/v1/profile')).then(
      (loaded) => {
        setProfile(loaded);
        setTimezone(loaded.timezone);
        setLocale(loaded.locale);
        setNotifications(loaded.notifications.email);
      },
      (error: unknown) => setLoadError(describeError(toApiError(error))),
    );
  }, []);
  const zones = useMemo(() => timeZones(profile?.timezone ?? 'UTC'), [profile?.timezone]);

  return (
    <Section title="Preferences" id="preferences">
      {loadError && (
        <p role="alert" className="alert error">
          {loadError}
        </p>
      )}
      {!profile || !notifications ? (
        !loadError && <Loading />
      ) : (
        <form
          ref={form.formRef}
          noValidate
          onSubmit={form.handle(async () => {
            setSaved(null);
            const updated = await call(
              api.PATCH('/api/v1/profile', {
                body: { timezone, locale: locale.trim(), notifications: { email: notifications } },
              }),
            );
            setProfile(updated);
            setLocale(updated.locale);
            setSaved('Your preferences are saved.');
          })}
        >
          <FormError state={form} />
          <SelectField
            state={form}
            name="timezone"
            label="Time zone"
            value={timezone}
            onChange={(event) => setTimezone(event.target.value)}
          >
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replace(/_/g, ' ')}
              </option>
            ))}
          </SelectField>
          <Field
            state={form}
            name="locale"
            label="Language and region"
            value={locale}
            list="locales"
            autoCapitalize="none"
            spellCheck={false}
            onChange={(event) => setLocale(event.target.value)}
            hint="A language tag such as en, en-GB or fr-FR."
          />
          <datalist id="locales">
            {['en', 'en-US', 'en-GB', 'fr-FR', 'de-DE', 'es-ES', 'it-IT', 'ja-JP', 'pt-BR'].map(
              (tag) => (
                <option key={tag} value={tag} />
              ),
            )}
          </datalist>
          <fieldset className="switches">
            <legend>Email me about</legend>
            {TOPICS.map(({ topic, label, hint }) => (
              <Field
                key={topic}
                state={form}
                name={`notifications.email.${topic}`}
                type="checkbox"
                role="switch"
                label={label}
                hint={hint}
                checked={notifications[topic]}
                onChange={(event) =>
                  setNotifications({ ...notifications, [topic]: event.target.checked })
                }
              />
            ))}
          </fieldset>
          <Status message={saved} />
          <Button type="submit" pending={form.pending} pendingLabel="Saving…">
            Save preferences
          </Button>
        </form>
      )}
    </Section>
  );
}

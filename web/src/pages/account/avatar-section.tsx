import { ChangeEvent, useEffect, useRef, useState } from 'react';
import { api, call, Profile } from '../../api/client';
import { useUser } from '../../session';
import { Button, FormError, Status, useSubmit } from '../../ui/form';
import { Section } from '../../ui/page';

function initials(name: string): string {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((part) => part[0].toUpperCase())
      .join('') || '?'
  );
}

export function AvatarSection() {
  const user = useUser();
  const initialUrl = (user.profile as Partial<Profile> | null)?.avatarUrl ?? null;
  const [avatarUrl, setAvatarUrl] = useState<string | null>(initialUrl);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const form = useSubmit();

  useEffect(
    () => () => {
      if (preview) URL.revokeObjectURL(preview);
    },
    [preview],
  );

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0] ?? null;
    setSaved(null);
    form.setError(null);
    setFile(chosen);
    setPreview(chosen ? URL.createObjectURL(chosen) : null);
  };

  const upload = async () => {
    if (!file) return;
    const data = new FormData();
    data.append('file', file);
    const profile = await call(
      api.PUT('/api/v1/profile/avatar', {
        // Multipart: the browser sets the boundary; the API checks the file's content.
        body: data as never,
        bodySerializer: (body: unknown) => body as FormData,
      }),
    );
    setAvatarUrl(profile.avatarUrl);
    setFile(null);
    setPreview(null);
    if (input.current) input.current.value = '';
    setSaved('Your new picture is saved.');
  };

  const remove = async () => {
    await call(api.DELETE('/api/v1/profile/avatar'));
    setAvatarUrl(null);
    setSaved('Your picture is removed.');
  };

  const shown = preview ?? avatarUrl;
  return (
    <Section title="Picture" id="avatar">
      <form ref={form.formRef} noValidate onSubmit={form.handle(upload)} className="avatar-form">
        <div className="avatar" aria-hidden={shown ? undefined : true}>
          {shown ? (
            <img
              src={shown}
              alt={preview ? 'Preview of the chosen picture' : 'Your current picture'}
              width={96}
              height={96}
            />
          ) : (
            <span>{initials(user.name)}</span>
          )}
        </div>
        <div className="stack">
          <FormError state={form} />
          <div className="field">
            <label htmlFor="avatar-file">Choose a picture</label>
            <input
              id="avatar-file"
              ref={input}
              name="file"
              type="file"
              accept="image/png,image/jpeg,image/webp,image/gif"
              onChange={choose}
              aria-describedby="avatar-hint"
            />
            <p id="avatar-hint" className="hint">
              It is cropped to a square.
            </p>
          </div>
          <Status message={saved} />
          <div className="actions">
            <Button
              type="submit"
              pending={form.pending}
              pendingLabel="Uploading…"
              aria-disabled={!file || undefined}
            >
              Upload picture
            </Button>
            {avatarUrl && !file && (
              <Button variant="secondary" onClick={() => void form.run(remove)}>
                Remove picture
              </Button>
            )}
          </div>
        </div>
      </form>
    </Section>
  );
}

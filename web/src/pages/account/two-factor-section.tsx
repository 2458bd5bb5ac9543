import { useState } from 'react';
import { api, call, Schemas } from '../../api/client';
import { useSession, useUser } from '../../session';
import { Button, Field, FormError, Status, useSubmit } from '../../ui/form';
import { Section } from '../../ui/page';

type Setup = Schemas['MfaSetupResponseDto'];

/** The SVG as an image URL: shown by <img>, never parsed into the page (no innerHTML). */
function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  bytes.forEach((byte) => (binary += String.fromCharCode(byte)));
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

export function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const text = `Gatehouse recovery codes (each works once)\n\n${codes.join('\n')}\n`;
  const download = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  return (
    <div className="secret-panel" role="region" aria-labelledby="recovery-heading">
      <h3 id="recovery-heading">Save your recovery codes</h3>
      <p>
        <strong>You will not see these codes again.</strong> If you lose your phone, each code lets
        you sign in once. Keep them somewhere safe, like a password manager.
      </p>
      <ul className="codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <Status message={copied} />
      <div className="actions">
        <a className="button secondary" href={download} download="gatehouse-recovery-codes.txt">
          Download codes
        </a>
        <Button
          variant="secondary"
          onClick={() => {
            navigator.clipboard.writeText(text).then(
              () => setCopied('Copied to the clipboard.'),
              () => setCopied('Copying is not allowed here: select the codes and copy them.'),
            );
          }}
        >
          Copy codes
        </Button>
        <Button onClick={onDone}>I have saved them</Button>
      </div>
    </div>
  );
}

function EnableFlow({ onEnabled }: { onEnabled: (codes: string[]) => void }) {
  const [setup, setSetup] = useState<Setup | null>(null);
  const [code, setCode] = useState('');
  const start = useSubmit();
  const confirm = useSubmit(
    { invalid_credentials: 'That code did not work. Enter the current code from your app.' },
    { focusOnError: 'code' },
  );
  if (!setup) {
    return (
      <form
        ref={start.formRef}
        onSubmit={start.handle(async () =>
          setSetup(await call(api.POST('/api/v1/auth/2fa/setup'))),
        )}
      >
        <p>
          Two-step verification asks for a code from an authenticator app each time you sign in.
        </p>
        <FormError state={start} />
        <Button type="submit" pending={start.pending} pendingLabel="Preparing…">
          Turn on two-step verification
        </Button>
      </form>
    );
  }
  return (
    <form
      ref={confirm.formRef}
      noValidate
      onSubmit={confirm.handle(async () => {
        const { recoveryCodes } = await call(
          api.POST('/api/v1/auth/2fa/enable', { body: { code: code.trim() } }),
        );
        onEnabled(recoveryCodes);
      })}
    >
      <ol className="steps">
        <li>
          <p>Scan this code with your authenticator app:</p>
          <img
            className="qr"
            src={svgDataUrl(setup.qrCodeSvg)}
            width={192}
            height={192}
            alt="QR code that adds Gatehouse to an authenticator app"
          />
          <details>
            <summary>Can't scan it? Enter this key instead</summary>
            <p>
              <code className="secret" data-testid="totp-secret">
                {setup.secret}
              </code>
            </p>
          </details>
        </li>
        <li>
          <FormError state={confirm} />
          <Field
            state={confirm}
            name="code"
            label="Enter the 6-digit code the app shows"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        </li>
      </ol>
      <div className="actions">
        <Button type="submit" pending={confirm.pending} pendingLabel="Checking…">
          Turn on
        </Button>
        <Button variant="secondary" onClick={() => setSetup(null)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function DisableOrRegenerate({ onCodes }: { onCodes: (codes: string[]) => void }) {
  const { reloadUser } = useSession();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [mode, setMode] = useState<'idle' | 'disable' | 'regenerate'>('idle');
  const form = useSubmit({ invalid_credentials: 'The password or code is not right.' });
  if (mode === 'idle') {
    return (
      <div className="actions">
        <Button variant="secondary" onClick={() => setMode('regenerate')}>
          Get new recovery codes
        </Button>
        <Button variant="danger" onClick={() => setMode('disable')}>
          Turn off
        </Button>
      </div>
    );
  }
  const credentials = {
    ...(password ? { password } : {}),
    ...(code.trim() ? { code: code.trim() } : {}),
  };
  return (
    <form
      ref={form.formRef}
      noValidate
      onSubmit={form.handle(async () => {
        if (mode === 'disable') {
          await call(
            api.POST('/api/v1/auth/2fa/disable', {
              body: { code: code.trim(), ...(password ? { password } : {}) },
            }),
          );
          await reloadUser();
        } else {
          const { recoveryCodes } = await call(
            api.POST('/api/v1/auth/2fa/recovery-codes', { body: credentials }),
          );
          onCodes(recoveryCodes);
        }
        setMode('idle');
      })}
    >
      <p>
        {mode === 'disable'
          ? 'To turn off two-step verification, confirm it is you.'
          : 'New codes replace the old ones, which stop working. Confirm it is you.'}
      </p>
      <FormError state={form} />
      <Field
        state={form}
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <Field
        state={form}
        name="code"
        label="Authentication code"
        inputMode="numeric"
        autoComplete="one-time-code"
        value={code}
        onChange={(event) => setCode(event.target.value)}
      />
      <div className="actions">
        <Button
          type="submit"
          variant={mode === 'disable' ? 'danger' : 'primary'}
          pending={form.pending}
          pendingLabel="Working…"
        >
          {mode === 'disable' ? 'Turn off two-step verification' : 'Create new codes'}
        </Button>
        <Button variant="secondary" onClick={() => setMode('idle')}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

export function TwoFactorSection() {
  const user = useUser();
  const { reloadUser } = useSession();
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <Section title="Two-step verification" id="two-factor">
      <p>
        Status:{' '}
        <strong className={user.mfaEnabled ? 'badge ok' : 'badge'}>
          {user.mfaEnabled ? 'On' : 'Off'}
        </strong>
      </p>
      {codes ? (
        <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />
      ) : user.mfaEnabled ? (
        <DisableOrRegenerate onCodes={setCodes} />
      ) : (
        <EnableFlow
          onEnabled={(recoveryCodes) => {
            setCodes(recoveryCodes);
            void reloadUser();
          }}
        />
      )}
    </Section>
  );
}

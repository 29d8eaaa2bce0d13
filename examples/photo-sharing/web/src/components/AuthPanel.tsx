/**
 * Sign in, create an account, and confirm it with the code Cognito sends.
 * One form shows at a time, and switching moves focus to its heading.
 */
import { useEffect, useId, useState, type FormEvent, type RefObject } from 'react';

import { describeAuthError, type Auth, type Session } from '../auth.ts';
import { isLocalCloud, type SiteConfig } from '../config.ts';

type Step = 'sign-in' | 'sign-up' | 'confirm';

const HEADINGS: Record<Step, string> = {
  'sign-in': 'Sign in',
  'sign-up': 'Create an account',
  confirm: 'Confirm your account',
};

const SUBMIT_LABELS: Record<Step, string> = {
  'sign-in': 'Sign in',
  'sign-up': 'Create account',
  confirm: 'Confirm',
};

interface AuthPanelProps {
  readonly auth: Auth;
  readonly config: SiteConfig;
  readonly headingRef: RefObject<HTMLHeadingElement | null>;
  readonly onSignedIn: (session: Session) => void;
}

export function AuthPanel({ auth, config, headingRef, onSignedIn }: AuthPanelProps) {
  const [step, setStep] = useState<Step>('sign-in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const ids = { email: useId(), password: useId(), passwordHint: useId(), code: useId(), codeHint: useId() };

  // Focus follows the step, except on the first render, where the page keeps its natural order.
  const [moved, setMoved] = useState(false);
  useEffect(() => {
    if (moved) headingRef.current?.focus();
  }, [step, moved, headingRef]);

  function goTo(next: Step, message?: string) {
    setError(undefined);
    setNotice(message);
    setMoved(true);
    setStep(next);
  }

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (reason) {
      setError(describeAuthError(reason));
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (step === 'sign-in') {
      void run(async () => {
        try {
          onSignedIn(await auth.signIn(email, password));
        } catch (reason) {
          if (reason instanceof Error && reason.name === 'UserNotConfirmedException') goTo('confirm', 'Enter the code you received to confirm your account first.');
          else throw reason;
        }
      });
    } else if (step === 'sign-up') {
      void run(async () => {
        await auth.signUp(email, password);
        goTo('confirm', `We sent a code to ${email}.`);
      });
    } else {
      void run(async () => {
        await auth.confirmSignUp(email, code.trim());
        setCode('');
        goTo('sign-in', 'Your account is confirmed. Sign in with your password.');
      });
    }
  }

  const headingId = useId();
  return (
    <section className="card auth" aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} tabIndex={-1}>{HEADINGS[step]}</h2>
      {notice && <p className="notice" role="status">{notice}</p>}

      <form onSubmit={submit} noValidate={false}>
        {step !== 'confirm' && (
          <>
            <label htmlFor={ids.email}>E-mail address</label>
            <input id={ids.email} type="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />

            <label htmlFor={ids.password}>Password</label>
            <input
              id={ids.password}
              type="password"
              autoComplete={step === 'sign-up' ? 'new-password' : 'current-password'}
              required
              minLength={8}
              aria-describedby={step === 'sign-up' ? ids.passwordHint : undefined}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
            {step === 'sign-up' && (
              <p id={ids.passwordHint} className="hint">At least 8 characters, with an upper-case letter, a lower-case letter, a number and a symbol.</p>
            )}
          </>
        )}

        {step === 'confirm' && (
          <>
            <p>Confirming <strong>{email}</strong>.</p>
            <label htmlFor={ids.code}>Confirmation code</label>
            <input
              id={ids.code}
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              required
              aria-describedby={ids.codeHint}
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
            <p id={ids.codeHint} className="hint">
              {isLocalCloud(config)
                ? <>Running locally, nothing is e-mailed: the code is in the <code>strato dev</code> log and at <a href={`${config.cognitoEndpoint}/messages?username=${encodeURIComponent(email)}`} target="_blank" rel="noreferrer">the captured messages</a>.</>
                : 'Check your e-mail for the code.'}
            </p>
          </>
        )}

        {error && <p className="error" role="alert">{error}</p>}

        <button type="submit" disabled={busy}>{busy ? 'Please wait…' : SUBMIT_LABELS[step]}</button>
      </form>

      <div className="switch">
        {step === 'sign-in' && <button type="button" className="link" onClick={() => goTo('sign-up')}>Create an account</button>}
        {step === 'sign-up' && <button type="button" className="link" onClick={() => goTo('sign-in')}>I have an account: sign in</button>}
        {step === 'confirm' && (
          <>
            <button type="button" className="link" disabled={busy} onClick={() => void run(async () => {
              await auth.resendCode(email);
              setNotice(`We sent a new code to ${email}.`);
            })}>Send a new code</button>
            <button type="button" className="link" onClick={() => goTo('sign-in')}>Back to sign in</button>
          </>
        )}
      </div>
    </section>
  );
}

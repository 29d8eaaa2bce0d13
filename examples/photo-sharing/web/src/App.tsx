/**
 * The page: loads the platform's settings, then shows the sign-in forms or
 * the signed-in user's uploads and photos, and the public feed to everyone.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import { Api, type PhotoView } from './api.ts';
import { Auth, type Session } from './auth.ts';
import { AuthPanel } from './components/AuthPanel.tsx';
import { Feed } from './components/Feed.tsx';
import { MyPhotos } from './components/MyPhotos.tsx';
import { PhotoDialog } from './components/PhotoDialog.tsx';
import { Trending } from './components/Trending.tsx';
import { UploadForm } from './components/UploadForm.tsx';
import { loadConfig, type SiteConfig } from './config.ts';

export function App() {
  const [config, setConfig] = useState<SiteConfig>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    loadConfig().then(setConfig, (reason: unknown) => setError(reason instanceof Error ? reason.message : String(reason)));
  }, []);

  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      {error && <main id="main" className="page"><p className="error" role="alert">The page cannot start: {error}</p></main>}
      {!error && !config && <main id="main" className="page"><p role="status">Loading…</p></main>}
      {config && <SignedInOrOut config={config} />}
    </>
  );
}

function SignedInOrOut({ config }: { config: SiteConfig }) {
  const auth = useMemo(() => new Auth(config), [config]);
  const api = useMemo(() => new Api(config.apiUrl, async () => (await auth.currentSession())?.idToken), [auth, config]);
  // `null` while the stored session is checked, so the sign-in form does not flash for a signed-in user.
  const [session, setSession] = useState<Session | undefined | null>(null);
  // Ids of the user's photos that became ready, which the feed waits for.
  const [readyIds, setReadyIds] = useState<readonly string[]>([]);
  const [uploadedIds, setUploadedIds] = useState<readonly string[]>([]);
  const [likedIds, setLikedIds] = useState<readonly string[]>([]);
  const [openPhoto, setOpenPhoto] = useState<PhotoView>();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const sessionChanged = useRef(false);

  useEffect(() => {
    auth.currentSession().then(setSession, () => setSession(undefined));
  }, [auth]);

  const changeSession = useCallback((next: Session | undefined) => {
    sessionChanged.current = true;
    setSession(next);
    setReadyIds([]);
    setUploadedIds([]);
    setLikedIds([]);
  }, []);

  // After signing in or out, focus moves to the heading of what the page shows now, so screen readers announce it.
  useEffect(() => {
    if (!sessionChanged.current) return;
    sessionChanged.current = false;
    headingRef.current?.focus();
  }, [session]);

  const signOut = useCallback(async () => {
    if (!session) return;
    try {
      await auth.signOut(session);
    } catch (error) {
      // The tokens are forgotten here either way, and the pool's refresh token expires on its own.
      console.warn('Signing out on other devices failed:', error);
    }
    changeSession(undefined);
  }, [auth, session, changeSession]);

  const onUploaded = useCallback((id: string) => setUploadedIds((ids) => [...ids, id]), []);
  const onLiked = useCallback((id: string) => setLikedIds((ids) => [...ids, id]), []);
  const onReady = useCallback((id: string) => setReadyIds((ids) => (ids.includes(id) ? ids : [...ids, id])), []);

  return (
    <>
      <header className="app-header">
        <h1 className="brand">Photo sharing</h1>
        {session && (
          <div className="account">
            <span>Signed in as <strong>{session.username}</strong></span>
            <button type="button" className="secondary" onClick={signOut}>Sign out</button>
          </div>
        )}
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {session === null && <p role="status">Checking your session…</p>}
        {session === undefined && <AuthPanel auth={auth} config={config} headingRef={headingRef} onSignedIn={changeSession} />}
        {session && (
          <>
            <UploadForm api={api} headingRef={headingRef} onUploaded={onUploaded} />
            <MyPhotos api={api} uploadedIds={uploadedIds} onReady={onReady} />
          </>
        )}
        <Feed api={api} awaitedIds={readyIds} userId={session?.userId} likedIds={likedIds} onLiked={onLiked} onOpen={setOpenPhoto} />
        <Trending api={api} onOpen={setOpenPhoto} />
      </main>
      {openPhoto && <PhotoDialog api={api} photo={openPhoto} onClose={() => setOpenPhoto(undefined)} />}
    </>
  );
}

import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { AuthProvider, useAuth } from './auth/auth';
import { Layout } from './components/Layout';
import { Loading } from './components/ui';
import { canSee, type Audience } from './lib/access';
import { LoginPage } from './pages/LoginPage';
import { NotAllowedPage, NotFoundPage } from './pages/StatusPages';

// Every page but the login is its own chunk: the first load carries the shell and the login only.
const DashboardPage = lazy(() => import('./pages/DashboardPage'));
const BucketsPage = lazy(() => import('./pages/BucketsPage'));
const BrowserPage = lazy(() => import('./pages/ObjectBrowserPage'));
const BucketSettingsPage = lazy(() => import('./pages/BucketSettingsPage'));
const UsersPage = lazy(() => import('./pages/UsersPage'));
const UserPage = lazy(() => import('./pages/UserPage'));
const AccessKeysPage = lazy(() => import('./pages/AccessKeysPage'));
const TenantsPage = lazy(() => import('./pages/TenantsPage'));
const AuditPage = lazy(() => import('./pages/AuditPage'));
const SettingsPage = lazy(() => import('./pages/SettingsPage'));
const SecurityPage = lazy(() => import('./pages/SecurityPage'));
const ProfilePage = lazy(() => import('./pages/ProfilePage'));
const IdentityProvidersPage = lazy(() => import('./pages/IdentityProvidersPage'));
const ClusterPage = lazy(() => import('./pages/ClusterPage'));
const SharesPage = lazy(() => import('./pages/SharesPage'));
const MonitoringPage = lazy(() => import('./pages/MonitoringPage'));
const ServerPage = lazy(() => import('./pages/ServerPage'));

/** Signed-in pages: without a session, the login page, which comes back here afterwards. */
function RequireAuth({ children }: { children: ReactNode }) {
  const { user, loading, ended } = useAuth();
  const loc = useLocation();
  if (loading) return <Loading label="Checking your session…" />;
  // After "Log out" the login page starts afresh; after an expired session it leads back here.
  if (!user)
    return <Navigate to={ended === 'logged-out' ? '/login' : `/login?next=${encodeURIComponent(loc.pathname + loc.search)}`} replace />;
  return <>{children}</>;
}

/** A page for an audience: anyone else gets "not allowed", also when opening the URL directly. */
function Only({ audience, children }: { audience: Audience; children: ReactNode }) {
  const { user } = useAuth();
  return canSee(user, audience) ? <>{children}</> : <NotAllowedPage />;
}

const page = (el: ReactNode, audience: Audience = 'any') => (
  <Only audience={audience}>
    <Suspense fallback={<Loading />}>{el}</Suspense>
  </Only>
);

export function App() {
  return (
    <AuthProvider onExpired={() => undefined}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        {/* Where SSO logins used to land: the ticket is exchanged by AuthProvider, then the app goes on. */}
        <Route path="/console/*" element={<Navigate to="/" replace />} />
        <Route
          element={
            <RequireAuth>
              <Layout />
            </RequireAuth>
          }
        >
          <Route index element={page(<DashboardPage />)} />
          <Route path="buckets" element={page(<BucketsPage />)} />
          <Route path="buckets/:bucket" element={page(<BrowserPage />)} />
          <Route path="buckets/:bucket/settings" element={page(<BucketSettingsPage />)} />
          <Route path="shares" element={page(<SharesPage />)} />
          <Route path="users" element={page(<UsersPage />, 'admins')} />
          <Route path="users/:id" element={page(<UserPage />, 'admins')} />
          <Route path="access-keys" element={page(<AccessKeysPage />)} />
          <Route path="tenants" element={page(<TenantsPage />, 'global')} />
          <Route path="identity-providers" element={page(<IdentityProvidersPage />, 'admins')} />
          <Route path="audit" element={page(<AuditPage />, 'admins')} />
          <Route path="security" element={page(<SecurityPage />, 'admins')} />
          <Route path="settings" element={page(<SettingsPage />, 'global')} />
          <Route path="cluster" element={page(<ClusterPage />, 'global')} />
          <Route path="monitoring" element={page(<MonitoringPage />, 'global')} />
          <Route path="server" element={page(<ServerPage />)} />
          <Route path="profile" element={page(<ProfilePage />)} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </AuthProvider>
  );
}

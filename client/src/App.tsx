import { Route, Routes } from 'react-router-dom';
import { AuthProvider } from './features/auth/AuthProvider';
import { LoginPage } from './features/auth/LoginPage';
import { RequireAuth } from './features/auth/RequireAuth';
import { DEFAULT_IDLE_TIMEOUT_MS } from './features/auth/useIdleLogout';
import { NotFoundPage } from './features/errors/NotFoundPage';
import { AppLayout } from './features/layout/AppLayout';
import { AdminCohortPage } from './features/admin/AdminCohortPage';
import { ProgramDetailPage } from './features/admin/ProgramDetailPage';
import { ProgramsPage } from './features/admin/ProgramsPage';
import { RequireRole } from './features/admin/RequireRole';
import { CalendarPage } from './features/calendar/CalendarPage';
import { GuestLinkPage } from './features/guests/GuestLinkPage';
import { SchedulePage } from './features/schedule/SchedulePage';
import { TherapistCohortPage } from './features/therapist/TherapistCohortPage';
import { TherapistHomePage } from './features/therapist/TherapistHomePage';
import { LazyJoinSessionPage as JoinSessionPage } from './features/session/LazyJoinSessionPage';
import { AuditLogPage } from './features/records/AuditLogPage';
import { SessionRecordPage } from './features/records/SessionRecordPage';

export interface AppProps {
  /** Automatic logoff after this long without activity (default 15 minutes). */
  idleTimeoutMs?: number;
}

/** The routes; expects a router around it (BrowserRouter in main.tsx, MemoryRouter in tests). */
export function AppRoutes({ idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS }: AppProps) {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      {/* A family member's invitation link: no account, no sign-in form. */}
      <Route path="/guest/:token" element={<GuestLinkPage />} />
      <Route
        element={
          <RequireAuth>
            <AppLayout idleTimeoutMs={idleTimeoutMs} />
          </RequireAuth>
        }
      >
        <Route index element={<SchedulePage />} />
        <Route path="sessions/:sessionId/join" element={<JoinSessionPage />} />
        <Route path="sessions/:sessionId/record" element={<SessionRecordPage />} />
        <Route path="calendar" element={<CalendarPage />} />
        <Route path="admin" element={<RequireRole role="admin" />}>
          <Route path="programs" element={<ProgramsPage />} />
          <Route path="programs/:programId" element={<ProgramDetailPage />} />
          <Route path="programs/:programId/cohorts/:cohortId" element={<AdminCohortPage />} />
          <Route path="audit" element={<AuditLogPage />} />
        </Route>
        <Route path="therapist" element={<RequireRole role="therapist" />}>
          <Route index element={<TherapistHomePage />} />
          <Route path="cohorts/:cohortId" element={<TherapistCohortPage />} />
        </Route>
      </Route>
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

export function App(props: AppProps) {
  return (
    <AuthProvider>
      <AppRoutes {...props} />
    </AuthProvider>
  );
}

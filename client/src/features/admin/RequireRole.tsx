import { Outlet } from 'react-router-dom';
import type { Role } from '@hearth/protocol';
import { useAuth } from '../auth/AuthProvider';
import { roleLabel } from '../layout/roleLabel';

/**
 * Shows the nested staff pages only to `role`. The server checks every request anyway;
 * this spares everyone else a page of "forbidden" errors.
 */
export function RequireRole({ role }: { role: Role }) {
  const { user } = useAuth();
  if (user?.role !== role) {
    return (
      <div className="state state--empty" data-testid="wrong-role">
        <p>
          <strong>This page is for the {roleLabel(role).toLowerCase()} role.</strong> You are signed in as{' '}
          {user ? roleLabel(user.role).toLowerCase() : 'someone else'}.
        </p>
      </div>
    );
  }
  return <Outlet />;
}

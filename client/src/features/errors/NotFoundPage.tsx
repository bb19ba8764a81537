import { Link } from 'react-router-dom';
import { useDocumentTitle } from '../layout/useDocumentTitle';
import { HearthMark } from '../layout/HearthMark';

export function NotFoundPage() {
  useDocumentTitle('Page not found');
  return (
    <div className="login-page">
      <main className="login-card" aria-labelledby="not-found-heading">
        <div className="login-card__brand">
          <HearthMark size={44} />
          <span className="login-card__wordmark">Hearth</span>
        </div>
        <h1 id="not-found-heading" className="login-card__title">
          We couldn't find that page
        </h1>
        <p className="login-card__lede">The link may be old, or the address may have a typo.</p>
        <Link to="/" className="button button--primary button--block">
          Go to your schedule
        </Link>
      </main>
    </div>
  );
}

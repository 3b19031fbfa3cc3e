import { Link } from 'react-router';

export function NotAllowedPage() {
  return (
    <section className="status-page" aria-labelledby="na-title">
      <h1 id="na-title">Not allowed</h1>
      <p>Your account may not open this page. It is for administrators; ask one if you need what it shows.</p>
      <Link className="btn" to="/">
        Back to the dashboard
      </Link>
    </section>
  );
}

export function NotFoundPage() {
  return (
    <section className="status-page" aria-labelledby="nf-title">
      <h1 id="nf-title">Page not found</h1>
      <p>There is no page at this address.</p>
      <Link className="btn" to="/">
        Back to the dashboard
      </Link>
    </section>
  );
}

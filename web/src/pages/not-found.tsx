import { Link } from '../router';
import { Page } from '../ui/page';

export function NotFoundPage() {
  return (
    <Page title="Page not found" narrow>
      <p>There is no page at this address.</p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </Page>
  );
}

import { Page } from '../../ui/page';
import { useUser } from '../../session';
import { AvatarSection } from './avatar-section';
import { PasswordSection } from './password-section';
import { PreferencesSection } from './preferences-section';
import { ProfileSection } from './profile-section';
import { SessionsSection } from './sessions-section';
import { TwoFactorSection } from './two-factor-section';

export function AccountPage() {
  const user = useUser();
  return (
    <Page
      title="Your account"
      lead={
        <>
          Signed in as <strong>{user.email}</strong>
        </>
      }
    >
      <nav aria-label="On this page" className="toc">
        <ul>
          <li>
            <a href="#profile">Profile</a>
          </li>
          <li>
            <a href="#avatar">Picture</a>
          </li>
          <li>
            <a href="#preferences">Preferences</a>
          </li>
          <li>
            <a href="#password">Password</a>
          </li>
          <li>
            <a href="#two-factor">Two-step verification</a>
          </li>
          <li>
            <a href="#sessions">Sessions</a>
          </li>
        </ul>
      </nav>
      <div className="grid">
        <ProfileSection />
        <AvatarSection />
        <PreferencesSection />
        <PasswordSection />
        <TwoFactorSection />
        <SessionsSection />
      </div>
    </Page>
  );
}

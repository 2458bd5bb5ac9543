import { escapeHtml, MailTemplate, renderMail } from './mail-templates';

const link = 'https://app.example.com/verify-email?token=abc&x=1';

const every: MailTemplate[] = [
  { template: 'verify_email', params: { name: 'Ann', link } },
  { template: 'reset_password', params: { name: 'Ann', link } },
  {
    template: 'signup_existing_account',
    params: { name: 'Ann', signInLink: link, resetLink: `${link}&reset` },
  },
  { template: 'password_changed', params: { name: 'Ann' } },
  {
    template: 'organization_invitation',
    params: { organizationName: 'Acme', inviterName: 'Ann', role: 'admin', link },
  },
];

describe('mail templates', () => {
  it('escapes HTML special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });

  it('escapes user-supplied values in the HTML body, not in the text body', () => {
    const mail = renderMail({
      template: 'verify_email',
      params: { name: '<script>alert(1)</script>', link },
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.text).toContain('Hi <script>alert(1)</script>,');
  });

  it('escapes names in an invitation, whose subject carries them', () => {
    const mail = renderMail({
      template: 'organization_invitation',
      params: {
        organizationName: 'Evil "Org"\r\nBcc: x',
        inviterName: '<b>Eve</b>',
        role: 'member',
        link,
      },
    });
    expect(mail.subject).toBe('<b>Eve</b> invited you to join Evil "Org" Bcc: x');
    expect(mail.html).toContain('&lt;b&gt;Eve&lt;/b&gt;');
    expect(mail.html).toContain('Evil &quot;Org&quot;');
    expect(mail.html).not.toContain('<b>');
    expect(mail.text).toContain('as a member');
  });

  it.each(every.map((message) => [message.template, message] as const))(
    '%s has a subject, a text body and an HTML body',
    (_name, message) => {
      const mail = renderMail(message);
      expect(mail.subject.length).toBeGreaterThan(0);
      expect(mail.subject).not.toMatch(/[\r\n]/);
      expect(mail.text.length).toBeGreaterThan(0);
      expect(mail.html).toMatch(/^<!DOCTYPE html>/);
    },
  );

  it.each(every.filter((message) => 'link' in message.params || 'signInLink' in message.params))(
    '$template puts its links in both bodies',
    (message) => {
      const mail = renderMail(message);
      const links = Object.entries(message.params)
        .filter(([key]) => /link$/i.test(key))
        .map(([, value]) => String(value));
      expect(links.length).toBeGreaterThan(0);
      for (const url of links) {
        expect(mail.text).toContain(url);
        expect(mail.html).toContain(`href="${escapeHtml(url)}"`);
      }
    },
  );

  it('names both links of a sign-up attempt on an existing account', () => {
    const mail = renderMail(every[2]);
    expect(mail.text).toContain(`Sign in:\n${link}\n`);
    expect(mail.text).toContain(`Reset password:\n${link}&reset\n`);
  });

  it('keeps a long subject within the column', () => {
    const mail = renderMail({
      template: 'organization_invitation',
      params: { organizationName: 'x'.repeat(400), inviterName: 'Ann', role: 'member', link },
    });
    expect(mail.subject).toHaveLength(255);
  });
});

/** Every email the service sends, with the values each one needs. */
export type MailTemplate =
  | { template: 'verify_email'; params: { name: string; link: string } }
  | { template: 'reset_password'; params: { name: string; link: string } }
  | {
      template: 'signup_existing_account';
      params: { name: string; signInLink: string; resetLink: string };
    }
  | { template: 'password_changed'; params: { name: string } }
  | {
      template: 'organization_invitation';
      params: {
        organizationName: string;
        inviterName: string;
        role: 'member' | 'admin';
        link: string;
      };
    };

export type MailTemplateName = MailTemplate['template'];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** The `subject` column's length. */
const SUBJECT_MAX_LENGTH = 255;

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

/** A part of a message, written once as plain text and rendered to both bodies. */
type Block = { kind: 'paragraph'; text: string } | { kind: 'button'; text: string; href: string };

const paragraph = (text: string): Block => ({ kind: 'paragraph', text });
const button = (text: string, href: string): Block => ({ kind: 'button', text, href });

function greeting(name: string): string {
  const trimmed = name.trim();
  return trimmed ? `Hi ${trimmed},` : 'Hi,';
}

function renderText(blocks: Block[]): string {
  const parts = blocks.map((block) =>
    block.kind === 'paragraph' ? block.text : `${block.text}:\n${block.href}`,
  );
  return `${parts.join('\n\n')}\n`;
}

// Inline styles: many mail clients drop <style> blocks.
const STYLE = {
  body:
    'margin:0;padding:24px;background:#f5f7fa;' +
    "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;",
  card: 'max-width:560px;margin:0 auto;padding:32px;background:#ffffff;border-radius:8px;',
  paragraph: 'margin:0 0 16px;font-size:15px;line-height:1.5;color:#1f2933;',
  button:
    'display:inline-block;padding:12px 20px;background:#1f6feb;color:#ffffff;' +
    'text-decoration:none;border-radius:6px;font-size:15px;font-weight:600;',
  rawLink: 'margin:0 0 16px;font-size:13px;line-height:1.5;color:#52606d;word-break:break-all;',
  link: 'color:#1f6feb;',
};

function renderHtmlBlock(block: Block): string {
  const text = escapeHtml(block.text);
  if (block.kind === 'paragraph') return `<p style="${STYLE.paragraph}">${text}</p>`;
  const href = escapeHtml(block.href);
  // The bare link under the button helps clients that strip styles or block buttons.
  return (
    `<p style="margin:24px 0;"><a href="${href}" style="${STYLE.button}">${text}</a></p>\n` +
    `<p style="${STYLE.rawLink}"><a href="${href}" style="${STYLE.link}">${href}</a></p>`
  );
}

function renderHtml(subject: string, blocks: Block[]): string {
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title></head>`,
    `<body style="${STYLE.body}"><div style="${STYLE.card}">`,
    ...blocks.map(renderHtmlBlock),
    '</div></body></html>',
    '',
  ].join('\n');
}

function content(message: MailTemplate): { subject: string; blocks: Block[] } {
  switch (message.template) {
    case 'verify_email': {
      const { name, link } = message.params;
      return {
        subject: 'Verify your email address',
        blocks: [
          paragraph(greeting(name)),
          paragraph('Please confirm that this is your email address.'),
          button('Verify email address', link),
          paragraph(
            'The link expires in 24 hours. If you did not create an account, ignore this email.',
          ),
        ],
      };
    }
    case 'reset_password': {
      const { name, link } = message.params;
      return {
        subject: 'Reset your password',
        blocks: [
          paragraph(greeting(name)),
          paragraph('We received a request to reset the password of your account.'),
          button('Choose a new password', link),
          paragraph(
            'The link expires in 1 hour and works once. If you did not ask for it, ignore this ' +
              'email: your password stays as it is.',
          ),
        ],
      };
    }
    case 'signup_existing_account': {
      const { name, signInLink, resetLink } = message.params;
      return {
        subject: 'Someone tried to sign up with your email address',
        blocks: [
          paragraph(greeting(name)),
          paragraph(
            'Someone tried to create an account with this email address, but you already ' +
              'have one. If it was you, sign in instead.',
          ),
          button('Sign in', signInLink),
          paragraph('Forgot your password? You can reset it.'),
          button('Reset password', resetLink),
          paragraph('If it was not you, ignore this email: nothing has changed.'),
        ],
      };
    }
    case 'password_changed': {
      const { name } = message.params;
      return {
        subject: 'Your password was changed',
        blocks: [
          paragraph(greeting(name)),
          paragraph('The password of your account was just changed.'),
          paragraph(
            'If you did not do this, reset your password right away and contact your ' +
              'administrator.',
          ),
        ],
      };
    }
    case 'organization_invitation': {
      const { organizationName, inviterName, role, link } = message.params;
      return {
        subject: `${inviterName} invited you to join ${organizationName}`,
        blocks: [
          paragraph('Hi,'),
          paragraph(
            `${inviterName} invited you to join the organization ${organizationName} as ` +
              `${role === 'admin' ? 'an admin' : 'a member'}.`,
          ),
          button('Accept the invitation', link),
          paragraph(
            'The invitation expires in 7 days. If you did not expect it, ignore this email.',
          ),
        ],
      };
    }
    default: {
      const _never: never = message;
      throw new Error(`Unknown mail template: ${JSON.stringify(_never)}`);
    }
  }
}

/** Renders a message's subject and both bodies; user-supplied values are escaped in HTML. */
export function renderMail(message: MailTemplate): RenderedMail {
  const { subject, blocks } = content(message);
  // Names end up in the subject: keep it one line and within the column.
  const oneLineSubject = Array.from(subject.replace(/\s+/g, ' ').trim())
    .slice(0, SUBJECT_MAX_LENGTH)
    .join('');
  return {
    subject: oneLineSubject,
    text: renderText(blocks),
    html: renderHtml(oneLineSubject, blocks),
  };
}

/** POST /2fa/setup: show the QR code (or the secret) once; 2FA is on only after /2fa/enable. */
export class MfaSetupResponseDto {
  /** Base32 secret, for typing into an app by hand. */
  secret!: string;
  /** `otpauth://totp/…`, what the QR code encodes. */
  otpauthUrl!: string;
  /** The QR code as an SVG document. */
  qrCodeSvg!: string;
}

/** Shown once: ten single-use codes, each signs in (or disables 2FA) instead of a TOTP code. */
export class MfaRecoveryCodesResponseDto {
  recoveryCodes!: string[];
}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { SecretBox } from '../../common/crypto/secret-box';
import { randomToken, tokenDigest } from '../../common/crypto/tokens';
import { AppException } from '../../common/errors/app.exception';
import { ClientInfo } from '../../common/http/request-context';
import { AppConfig } from '../../config/app-config';
import { MeService } from '../../users/me.service';
import { User } from '../../users/user.entity';
import { UsersService } from '../../users/users.service';
import { AuthService, SecondFactor } from '../auth.service';
import { TokenResponseDto } from '../dto/token-response.dto';
import { LoginAttempt, LoginThrottle } from '../login-throttle.service';
import { PasswordHasher } from '../passwords/password-hasher';
import { MfaChallengeResponseDto } from './dto/mfa-challenge-response.dto';
import { MfaRecoveryCodesResponseDto, MfaSetupResponseDto } from './dto/mfa-response.dto';
import { UserMfa } from './entities/user-mfa.entity';
import { MfaRepository } from './mfa.repository';
import {
  kindOfCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  normalizeCode,
  otpauthUrl,
} from './totp';

const MFA_TOKEN_LIFETIME_MS = 5 * 60 * 1000;

type Verdict = 'totp' | 'recovery' | null;

/** What re-authenticates a change to 2FA: the password, and/or a code. */
interface Proof {
  password?: string;
  code?: string;
}

/** Recovery codes are high-entropy, so a plain SHA-256 digest is enough. */
const recoveryDigest = (code: string): Buffer => tokenDigest(normalizeCode(code));

const wrongCode = () => new AppException('invalid_credentials', 'The code is not valid');

/**
 * TOTP two-factor authentication (RFC 6238) with single-use recovery codes, and the second
 * step of a sign-in (`mfaToken` + code). Wrong codes count toward the account's lockout.
 */
@Injectable()
export class MfaService implements SecondFactor, OnModuleInit {
  private readonly box: SecretBox;
  readonly enabledSelect: string;

  constructor(
    private readonly mfa: MfaRepository,
    private readonly users: UsersService,
    private readonly me: MeService,
    private readonly auth: AuthService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    config: AppConfig,
  ) {
    this.box = new SecretBox(config.appSecret, 'totp-secrets');
    this.enabledSelect = mfa.enabledSelect('u.id');
  }

  onModuleInit(): void {
    this.auth.useSecondFactor(this);
    this.me.contribute({
      select: this.enabledSelect,
      read: (enabled) => ({ mfaEnabled: enabled === true }),
    });
  }

  isEnabled(userId: string): Promise<boolean> {
    return this.mfa.isEnabled(userId);
  }

  private async activeUser(userId: string): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user || !user.isActive) throw new AppException('unauthorized', 'Not signed in');
    return user;
  }

  private async enabledState(userId: string): Promise<UserMfa & { secretSealed: string }> {
    const state = await this.mfa.findState(userId);
    if (!state?.enabledAt || !state.secretSealed) {
      throw new AppException('conflict', 'Two-factor authentication is not enabled');
    }
    return state as UserMfa & { secretSealed: string };
  }

  async setup(userId: string): Promise<MfaSetupResponseDto> {
    const user = await this.activeUser(userId);
    const state = await this.mfa.findState(userId);
    if (state?.enabledAt) {
      throw new AppException('conflict', 'Two-factor authentication is already enabled');
    }
    const secret = newTotpSecret();
    await this.mfa.savePendingSecret(userId, this.box.seal(secret));
    const url = otpauthUrl(secret, user.email);
    // Loaded on first enrolment rather than at start.
    const QRCode = await import('qrcode');
    return { secret, otpauthUrl: url, qrCodeSvg: await QRCode.toString(url, { type: 'svg' }) };
  }

  async enable(
    userId: string,
    code: string,
    client: ClientInfo,
  ): Promise<MfaRecoveryCodesResponseDto> {
    await this.activeUser(userId);
    const state = await this.mfa.findState(userId);
    if (state?.enabledAt) {
      throw new AppException('conflict', 'Two-factor authentication is already enabled');
    }
    const pending = state?.pendingSecretSealed;
    if (!pending) {
      throw new AppException('conflict', 'Start with POST /api/v1/auth/2fa/setup');
    }
    const attempt = await this.throttle.begin(userId);
    const step = matchTotp(this.box.open(pending), normalizeCode(code));
    if (step === null) {
      await attempt.failed();
      throw wrongCode();
    }
    const recoveryCodes = newRecoveryCodes();
    const enabled = await this.users.transaction(async (manager) => {
      if (!(await this.mfa.enable(manager, userId, pending, step))) return false;
      await this.mfa.replaceRecoveryCodes(manager, userId, recoveryCodes.map(recoveryDigest));
      await this.record('user.mfa_enabled', userId, client, {}, manager);
      return true;
    });
    if (!enabled) {
      // A parallel enable or a newer setup won: this code belonged to a superseded secret.
      await attempt.abandoned();
      throw new AppException('conflict', 'Two-factor authentication changed meanwhile; retry');
    }
    await attempt.succeeded();
    return { recoveryCodes };
  }

  async disable(userId: string, proof: Proof & { code: string }, client: ClientInfo) {
    const user = await this.activeUser(userId);
    const state = await this.enabledState(userId);
    const verdict = await this.checkProof(user, state, proof, { codeRequired: true, client });
    await this.users.transaction(async (manager) => {
      await this.mfa.disable(manager, userId);
      await this.record('user.mfa_disabled', userId, client, { with: verdict }, manager);
    });
  }

  async regenerateRecoveryCodes(
    userId: string,
    proof: Proof,
    client: ClientInfo,
  ): Promise<MfaRecoveryCodesResponseDto> {
    const user = await this.activeUser(userId);
    const state = await this.enabledState(userId);
    await this.checkProof(user, state, proof, { codeRequired: !user.passwordHash, client });
    const recoveryCodes = newRecoveryCodes();
    await this.users.transaction(async (manager) => {
      await this.mfa.replaceRecoveryCodes(manager, userId, recoveryCodes.map(recoveryDigest));
      await this.record('user.recovery_codes_regenerated', userId, client, {}, manager);
    });
    return { recoveryCodes };
  }

  /** The second step of a sign-in starts here (after a password or a social provider). */
  async challenge(
    user: User,
    options: { rememberMe: boolean; method: string },
  ): Promise<MfaChallengeResponseDto> {
    const mfaToken = randomToken();
    await this.mfa.addLoginToken({
      userId: user.id,
      tokenDigest: tokenDigest(mfaToken),
      rememberMe: options.rememberMe,
      method: options.method,
      expiresAt: new Date(Date.now() + MFA_TOKEN_LIFETIME_MS),
    });
    return { mfaRequired: true, mfaToken };
  }

  /** POST /login/mfa: the mfaToken and a right code give the token response, once. */
  async completeLogin(
    mfaToken: string,
    code: string,
    client: ClientInfo,
  ): Promise<TokenResponseDto> {
    const found = await this.mfa.findLoginToken(tokenDigest(mfaToken));
    if (!found || found.consumedAt) {
      throw new AppException('token_invalid', 'The mfaToken is not valid', { status: 401 });
    }
    if (found.expiresAt.getTime() <= Date.now()) {
      throw new AppException('token_expired', 'The mfaToken has expired; sign in again', {
        status: 401,
      });
    }
    const attempt = await this.throttle.begin(found.userId);
    const { user, verdict } = await this.settleOnError(attempt, async () => {
      const user = await this.users.findById(found.userId);
      const state = await this.mfa.findState(found.userId);
      if (!user || !user.isActive || !state?.enabledAt || !state.secretSealed) {
        throw new AppException('token_invalid', 'The mfaToken is not valid', { status: 401 });
      }
      return { user, verdict: await this.useCode(user, state.secretSealed, code, client) };
    });
    if (!verdict) {
      await attempt.failed();
      await this.audit.record({
        action: 'user.login_failed',
        actor: { type: 'user', id: user.id },
        target: { type: 'user', id: user.id },
        client,
        metadata: { reason: 'wrong_mfa_code' },
      });
      throw wrongCode();
    }
    if (!(await this.mfa.consumeLoginToken(found.id))) {
      await attempt.abandoned();
      throw new AppException('token_invalid', 'The mfaToken is not valid', { status: 401 });
    }
    await attempt.succeeded();
    return this.auth.completeSignIn(user, {
      rememberMe: found.rememberMe,
      client,
      method: `${found.method}+${verdict === 'totp' ? 'totp' : 'recovery_code'}`,
    });
  }

  /**
   * Checks the password (when the account has one) and then the code (when given or
   * required); a wrong one counts toward the account's lockout. Returns the code's kind.
   */
  private async checkProof(
    user: User,
    state: UserMfa & { secretSealed: string },
    proof: Proof,
    options: { codeRequired: boolean; client: ClientInfo },
  ): Promise<Verdict> {
    const { password, code } = proof;
    if (user.passwordHash && password === undefined) {
      throw AppException.validation('password', 'password is required');
    }
    if (options.codeRequired && code === undefined) {
      throw AppException.validation('code', 'code is required');
    }
    const attempt = await this.throttle.begin(user.id);
    const outcome = await this.settleOnError(attempt, async () => {
      if (user.passwordHash && !(await this.hasher.verify(user.passwordHash, password ?? ''))) {
        return { ok: false, detail: 'The password is wrong', verdict: null };
      }
      if (code === undefined) return { ok: true, detail: '', verdict: null };
      const verdict = await this.useCode(user, state.secretSealed, code, options.client);
      return { ok: verdict !== null, detail: 'The code is not valid', verdict };
    });
    if (!outcome.ok) {
      await attempt.failed();
      throw new AppException('invalid_credentials', outcome.detail);
    }
    await attempt.succeeded();
    return outcome.verdict;
  }

  /** Spends a TOTP time step or a recovery code; null when the code is wrong or replayed. */
  private async useCode(
    user: User,
    secretSealed: string,
    code: string,
    client: ClientInfo | null,
  ): Promise<Verdict> {
    const normalized = normalizeCode(code);
    switch (kindOfCode(normalized)) {
      case 'totp': {
        const step = matchTotp(this.box.open(secretSealed), normalized);
        return step !== null && (await this.mfa.acceptStep(user.id, step)) ? 'totp' : null;
      }
      case 'recovery': {
        if (!(await this.mfa.useRecoveryCode(user.id, recoveryDigest(normalized)))) return null;
        const remaining = await this.mfa.countUnusedRecoveryCodes(user.id);
        await this.record('user.recovery_code_used', user.id, client, { remaining });
        return 'recovery';
      }
      case 'malformed':
        return null;
    }
  }

  /** Runs `work`; if it throws, the attempt ends without a verdict (it does not count). */
  private async settleOnError<T>(attempt: LoginAttempt, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await attempt.abandoned();
      throw error;
    }
  }

  private record(
    action: string,
    userId: string,
    client: ClientInfo | null,
    metadata: Record<string, unknown>,
    manager?: EntityManager,
  ): Promise<void> {
    return this.audit.record(
      {
        action,
        actor: { type: 'user', id: userId },
        target: { type: 'user', id: userId },
        client,
        metadata,
      },
      manager,
    );
  }
}

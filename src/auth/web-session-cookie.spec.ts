import { FastifyRequest } from 'fastify';
import { isWebClient, readCookie, refreshCookie } from './web-session-cookie';

function requestWith(headers: Record<string, string | string[]>): FastifyRequest {
  return { headers } as unknown as FastifyRequest;
}

describe('web-session cookie helpers', () => {
  it('recognises the web client header, and only its exact value', () => {
    expect(isWebClient(requestWith({ 'x-gatehouse-client': 'web' }))).toBe(true);
    expect(isWebClient(requestWith({ 'x-gatehouse-client': ' Web ' }))).toBe(true);
    expect(isWebClient(requestWith({ 'x-gatehouse-client': 'webapp' }))).toBe(false);
    expect(isWebClient(requestWith({ 'x-gatehouse-client': ['web', 'web'] }))).toBe(false);
    expect(isWebClient(requestWith({}))).toBe(false);
  });

  it('reads one cookie from a Cookie header', () => {
    expect(readCookie('a=1; gh_refresh=abc%2Bdef; b=2', 'gh_refresh')).toBe('abc+def');
    expect(readCookie('gh_refresh=first; gh_refresh=second', 'gh_refresh')).toBe('first');
    expect(readCookie('xgh_refresh=no; gh_refreshx=no', 'gh_refresh')).toBeNull();
    expect(readCookie('gh_refresh=%E0%A4%A', 'gh_refresh')).toBeNull();
    expect(readCookie(undefined, 'gh_refresh')).toBeNull();
  });

  it('writes an HttpOnly, SameSite=Strict cookie on the auth path, Secure when asked', () => {
    expect(refreshCookie('tok', { secure: false })).toBe(
      'gh_refresh=tok; Path=/api/v1/auth; HttpOnly; SameSite=Strict',
    );
    expect(refreshCookie('tok', { secure: true, maxAge: 2592000.7 })).toBe(
      'gh_refresh=tok; Path=/api/v1/auth; HttpOnly; SameSite=Strict; Secure; Max-Age=2592000',
    );
    expect(refreshCookie('', { secure: true, maxAge: -5 })).toMatch(/; Max-Age=0$/);
  });
});

import { createHmac } from 'node:crypto';
import { knownHostMatches, parseSshUrl } from './ssh-transport';

describe('parseSshUrl', () => {
  it('reads user, host, port and path with Flux defaults', () => {
    expect(parseSshUrl('ssh://git@github.com/org/repo.git')).toEqual({ host: 'github.com', port: 22, username: 'git', path: '/org/repo.git' });
    expect(parseSshUrl('ssh://deploy@[::1]:2222/r.git')).toEqual({ host: '::1', port: 2222, username: 'deploy', path: '/r.git' });
    expect(parseSshUrl('ssh://example.com/r.git').username).toBe('git');
  });
});

describe('knownHostMatches', () => {
  const key = Buffer.from('server-key-blob');
  const line = (host: string) => `${host} ssh-ed25519 ${key.toString('base64')}`;

  it('matches plain, [host]:port and comma-separated entries for the right key only', () => {
    expect(knownHostMatches(line('github.com'), 'github.com', 22, key)).toBe(true);
    expect(knownHostMatches(line('[127.0.0.1]:2222'), '127.0.0.1', 2222, key)).toBe(true);
    expect(knownHostMatches(line('a.example,github.com'), 'github.com', 22, key)).toBe(true);
    expect(knownHostMatches(line('github.com'), 'github.com', 2222, key)).toBe(false);
    expect(knownHostMatches(line('github.com'), 'github.com', 22, Buffer.from('other'))).toBe(false);
    expect(knownHostMatches(`# comment\n${line('gitlab.com')}`, 'github.com', 22, key)).toBe(false);
  });

  it('matches hashed host names', () => {
    const salt = Buffer.from('0123456789abcdef0123');
    const hash = createHmac('sha1', salt).update('github.com').digest('base64');
    expect(knownHostMatches(line(`|1|${salt.toString('base64')}|${hash}`), 'github.com', 22, key)).toBe(true);
    expect(knownHostMatches(line(`|1|${salt.toString('base64')}|${hash}`), 'gitlab.com', 22, key)).toBe(false);
  });
});

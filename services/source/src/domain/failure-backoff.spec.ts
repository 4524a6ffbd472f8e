import { FailureBackoff } from './failure-backoff';

describe('FailureBackoff', () => {
  it('doubles the delay for each failure in a row from the minimum up to the maximum, per object', () => {
    const backoff = new FailureBackoff(750, 15 * 60_000);
    const delays = Array.from({ length: 12 }, () => backoff.failed('ns/a'));
    expect(delays).toEqual([750, 1500, 3000, 6000, 12_000, 24_000, 48_000, 96_000, 192_000, 384_000, 768_000, 900_000]);
    expect(backoff.failed('ns/b')).toBe(750);
    for (let i = 0; i < 100; i++) backoff.failed('ns/a');
    expect(backoff.failed('ns/a')).toBe(900_000);
  });

  it('starts again from the minimum after a success', () => {
    const backoff = new FailureBackoff(5, 1000);
    backoff.failed('ns/a');
    backoff.failed('ns/a');
    backoff.reset('ns/a');
    expect(backoff.failed('ns/a')).toBe(5);
  });
});

import { supportsMultipleFilters } from './jetstream.transport';

describe('supportsMultipleFilters', () => {
  it('is true from NATS 2.10 on, false before or when the version is unknown', () => {
    expect(supportsMultipleFilters('2.10.0')).toBe(true);
    expect(supportsMultipleFilters('2.11.3')).toBe(true);
    expect(supportsMultipleFilters('3.0.0')).toBe(true);
    expect(supportsMultipleFilters('2.9.10')).toBe(false);
    expect(supportsMultipleFilters(undefined)).toBe(false);
  });
});

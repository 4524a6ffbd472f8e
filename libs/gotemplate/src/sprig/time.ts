import { GoStringer } from '../values';

const NS_PER_MS = 1_000_000n;

/** Offset east of UTC in seconds and the zone abbreviation of an instant in a time zone. */
interface ZoneInfo {
  offset: number;
  abbrev: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      timeZoneName: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when `zone` is a time zone name the runtime knows (Go's LoadLocation succeeding). */
export function isKnownZone(zone: string): boolean {
  if (zone === 'UTC' || zone === 'Local') return true;
  try {
    zoneFormatter(zone);
    return true;
  } catch {
    return false;
  }
}

function localZone(): string {
  return process.env['TZ'] || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function zoneInfo(epochMs: number, zone: string): ZoneInfo {
  const name = zone === 'Local' ? localZone() : zone;
  if (name === 'UTC' || name === 'Etc/UTC') return { offset: 0, abbrev: 'UTC' };
  const parts = zoneFormatter(name).formatToParts(new Date(Math.floor(epochMs / 1000) * 1000));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const offset = Math.round((wall - Math.floor(epochMs / 1000) * 1000) / 1000);
  const instant = new Date(Math.floor(epochMs / 1000) * 1000);
  let abbrev = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
  // Intl names a zone by the conventions of a locale: Europe's (CET) come from en-GB, Japan's (JST) from ja-JP.
  for (const locale of ABBREVIATION_LOCALES) {
    if (/^[A-Z]{2,5}$/.test(abbrev)) break;
    abbrev = abbreviationIn(locale, name, instant);
  }
  if (!/^[A-Z]{2,5}$/.test(abbrev)) abbrev = offsetAbbrev(offset);
  return { offset, abbrev };
}

const ABBREVIATION_LOCALES = ['en-GB', 'en-AU', 'en-IN', 'ja-JP'];
const abbreviationFormatters = new Map<string, Intl.DateTimeFormat>();

function abbreviationIn(locale: string, zone: string, instant: Date): string {
  const key = `${locale} ${zone}`;
  let f = abbreviationFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' });
    abbreviationFormatters.set(key, f);
  }
  return f.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/** Go's abbreviation for zones without one: "+01", "-0530". */
function offsetAbbrev(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = String(Math.floor(abs / 3600)).padStart(2, '0');
  const m = Math.floor((abs % 3600) / 60);
  return sign + h + (m ? String(m).padStart(2, '0') : '');
}

/** A Go time.Time: an instant (nanoseconds since the Unix epoch) in a location (UTC, Local or an IANA zone). */
export class GoTime implements GoStringer {
  constructor(
    readonly unixNanos: bigint,
    readonly zone: string,
  ) {}

  /** The current time in the local zone. */
  static now(): GoTime {
    const ms = BigInt(Date.now());
    const sub = process.hrtime.bigint() % NS_PER_MS;
    return new GoTime(ms * NS_PER_MS + sub, 'Local');
  }

  /** time.Unix(sec, 0) in the local zone. */
  static unix(seconds: bigint): GoTime {
    return new GoTime(seconds * 1_000_000_000n, 'Local');
  }

  /** Go's zero time.Time (0001-01-01 00:00:00 UTC). */
  static zero(): GoTime {
    return new GoTime(-62135596800n * 1_000_000_000n, 'UTC');
  }

  goString(): string {
    return this.Format('2006-01-02 15:04:05.999999999 -0700 MST');
  }

  goTypeName(): string {
    return 'time.Time';
  }

  toJSON(): string {
    return this.Format('2006-01-02T15:04:05.999999999Z07:00');
  }

  /** Go's t.Format(layout). */
  Format(layout: string): string {
    return formatTime(this, String(layout));
  }

  /** Go's t.Unix(). */
  Unix(): bigint {
    const s = this.unixNanos / 1_000_000_000n;
    return this.unixNanos < 0n && this.unixNanos % 1_000_000_000n !== 0n ? s - 1n : s;
  }

  /** Go's t.UTC(). */
  UTC(): GoTime {
    return this.In('UTC');
  }

  /** Go's t.In(loc) with a zone name. */
  In(zone: string): GoTime {
    return new GoTime(this.unixNanos, zone);
  }

  /** Go's t.Year(). */
  Year(): bigint {
    return BigInt(this.fields().year);
  }

  /** Go's t.Add(d) for a duration in nanoseconds. */
  Add(d: bigint): GoTime {
    return new GoTime(this.unixNanos + d, this.zone);
  }

  /** Wall-clock fields in this time's zone. */
  fields(): WallClock {
    const epochMs = Number(this.unixNanos / NS_PER_MS) - (this.unixNanos % NS_PER_MS < 0n ? 1 : 0);
    const { offset, abbrev } = zoneInfo(epochMs, this.zone);
    const d = new Date(epochMs + offset * 1000);
    const nanos = Number(((this.unixNanos % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      weekday: d.getUTCDay(),
      yearDay: Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1,
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      nanos,
      offset,
      abbrev,
    };
  }
}

/** A time's wall clock in its zone. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  weekday: number;
  yearDay: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  offset: number;
  abbrev: string;
}

const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Go layout elements, longest first so that prefixes (Jan/January, 2006/2) resolve as Go's nextStdChunk does. */
const LAYOUT_TOKENS = [
  'January',
  'Monday',
  '-07:00:00',
  'Z07:00:00',
  '-070000',
  'Z070000',
  '-07:00',
  'Z07:00',
  '-0700',
  'Z0700',
  '2006',
  '__2',
  '002',
  'Jan',
  'Mon',
  'MST',
  '-07',
  'Z07',
  '_2',
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '15',
  'PM',
  'pm',
  '1',
  '2',
  '3',
  '4',
  '5',
];

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function formatOffset(offset: number, token: string): string {
  if (token.startsWith('Z') && offset === 0) return 'Z';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const h = pad(Math.floor(abs / 3600), 2);
  const m = pad(Math.floor((abs % 3600) / 60), 2);
  const s = pad(abs % 60, 2);
  const body = token.replace(/^[Z-]/, '');
  switch (body) {
    case '07':
      return sign + h;
    case '0700':
      return sign + h + m;
    case '07:00':
      return `${sign}${h}:${m}`;
    case '070000':
      return sign + h + m + s;
    default:
      return `${sign}${h}:${m}:${s}`;
  }
}

function formatFraction(nanos: number, spec: string): string {
  const digits = spec.length - 1;
  const full = pad(nanos, 9).slice(0, digits);
  if (spec[1] === '0') return spec[0] + full;
  const trimmed = full.replace(/0+$/, '');
  return trimmed ? spec[0] + trimmed : '';
}

/** Go's Time.Format with the reference layout `Mon Jan 2 15:04:05 MST 2006`. */
export function formatTime(t: GoTime, layout: string): string {
  const f = t.fields();
  let out = '';
  for (let i = 0; i < layout.length; ) {
    const frac = /^[.,](0+|9+)(?!\d)/.exec(layout.slice(i));
    if (frac) {
      const spec = frac[0];
      out += formatFraction(f.nanos, spec);
      i += spec.length;
      continue;
    }
    const token = LAYOUT_TOKENS.find((tok) => layout.startsWith(tok, i) && validToken(layout, i, tok));
    if (!token) {
      out += layout[i];
      i++;
      continue;
    }
    out += formatToken(f, token);
    i += token.length;
  }
  return out;
}

/** Go only treats "Jan"/"Mon"… as elements when not followed by a lower-case letter (so "Monday" vs "Month"). */
function validToken(layout: string, i: number, tok: string): boolean {
  if (tok === 'Jan' || tok === 'Mon') return !/[a-z]/.test(layout[i + tok.length] ?? '');
  return true;
}

function formatToken(f: WallClock, token: string): string {
  switch (token) {
    case 'January':
      return LONG_MONTHS[f.month - 1] ?? '';
    case 'Jan':
      return (LONG_MONTHS[f.month - 1] ?? '').slice(0, 3);
    case 'Monday':
      return LONG_DAYS[f.weekday] ?? '';
    case 'Mon':
      return (LONG_DAYS[f.weekday] ?? '').slice(0, 3);
    case '2006':
      return pad(f.year, 4);
    case '06':
      return pad(f.year % 100, 2);
    case '01':
      return pad(f.month, 2);
    case '1':
      return String(f.month);
    case '02':
      return pad(f.day, 2);
    case '_2':
      return String(f.day).padStart(2, ' ');
    case '2':
      return String(f.day);
    case '__2':
      return String(f.yearDay).padStart(3, ' ');
    case '002':
      return pad(f.yearDay, 3);
    case '15':
      return pad(f.hour, 2);
    case '03':
      return pad(f.hour % 12 === 0 ? 12 : f.hour % 12, 2);
    case '3':
      return String(f.hour % 12 === 0 ? 12 : f.hour % 12);
    case '04':
      return pad(f.minute, 2);
    case '4':
      return String(f.minute);
    case '05':
      return pad(f.second, 2);
    case '5':
      return String(f.second);
    case 'PM':
      return f.hour >= 12 ? 'PM' : 'AM';
    case 'pm':
      return f.hour >= 12 ? 'pm' : 'am';
    case 'MST':
      return f.abbrev;
    default:
      return formatOffset(f.offset, token);
  }
}

const DURATION_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go's time.ParseDuration, in nanoseconds. */
export function parseDuration(s: string): bigint {
  const invalid = (): never => {
    throw new Error(`time: invalid duration ${JSON.stringify(s)}`);
  };
  let rest = s;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') invalid();
  let total = 0n;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/.exec(rest);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) invalid();
    const unit = DURATION_UNITS[m?.[3] ?? ''];
    if (unit === undefined) throw new Error(`time: unknown unit ${JSON.stringify(m?.[3])} in duration ${JSON.stringify(s)}`);
    const whole = BigInt(m?.[1] || '0');
    const fracDigits = m?.[2] ?? '';
    let value = whole * unit;
    if (fracDigits) value += (BigInt(fracDigits) * unit) / 10n ** BigInt(fracDigits.length);
    total += value;
    rest = rest.slice(m?.[0].length ?? rest.length);
  }
  return negative ? -total : total;
}

/** Go's Duration.String: "1h2m3.5s", "1.5ms", "0s". */
export function formatDuration(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < 1_000_000_000n) {
    const [unit, scale] = u < 1000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n];
    out = fixed(u, scale) + unit;
  } else {
    const h = u / 3_600_000_000_000n;
    u -= h * 3_600_000_000_000n;
    const m = u / 60_000_000_000n;
    u -= m * 60_000_000_000n;
    out = fixed(u, 1_000_000_000n) + 's';
    if (h > 0n || m > 0n) out = `${m}m` + out;
    if (h > 0n) out = `${h}h` + out;
  }
  return neg ? '-' + out : out;
}

function fixed(v: bigint, scale: bigint): string {
  const whole = v / scale;
  const frac = v % scale;
  if (frac === 0n) return whole.toString();
  const digits = scale.toString().length - 1;
  return `${whole}.${frac.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}

/** Go's Duration.Round(time.Second) (halves away from zero). */
export function roundToSecond(d: bigint): bigint {
  const s = 1_000_000_000n;
  const r = d % s;
  if (d < 0n) return -roundToSecond(-d);
  return r + r < s ? d - r : d + (s - r);
}

interface ParsedFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  pm: boolean | null;
  offset: number | null;
}

/** Go's time.ParseInLocation for the common layout elements; the zone applies when the text has no offset. */
export function parseTime(layout: string, value: string, zone: string): GoTime {
  const fail = (): never => {
    throw new Error(`parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(value)} as ${JSON.stringify(layout)}`);
  };
  const p: ParsedFields = { year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanos: 0, pm: null, offset: null };
  let v = value;
  const take = (re: RegExp): string => {
    const m = re.exec(v);
    if (!m) return fail();
    v = v.slice(m[0].length);
    return m[0];
  };
  for (let i = 0; i < layout.length; ) {
    const frac = /^[.,](0+|9+)(?!\d)/.exec(layout.slice(i));
    if (frac) {
      if (/^[.,]\d/.test(v)) p.nanos = Number(take(/^[.,]\d+/).slice(1).padEnd(9, '0').slice(0, 9));
      i += frac[0].length;
      continue;
    }
    const token = LAYOUT_TOKENS.find((tok) => layout.startsWith(tok, i) && validToken(layout, i, tok));
    if (!token) {
      if (v[0] !== layout[i]) fail();
      v = v.slice(1);
      i++;
      continue;
    }
    i += token.length;
    switch (token) {
      case 'January':
      case 'Jan': {
        const names = LONG_MONTHS.map((n) => (token === 'Jan' ? n.slice(0, 3) : n));
        const idx = names.findIndex((n) => v.toLowerCase().startsWith(n.toLowerCase()));
        if (idx < 0) fail();
        p.month = idx + 1;
        v = v.slice(names[idx]?.length ?? 0);
        break;
      }
      case 'Monday':
      case 'Mon': {
        const names = LONG_DAYS.map((n) => (token === 'Mon' ? n.slice(0, 3) : n));
        const idx = names.findIndex((n) => v.toLowerCase().startsWith(n.toLowerCase()));
        if (idx < 0) fail();
        v = v.slice(names[idx]?.length ?? 0);
        break;
      }
      case '2006':
        p.year = Number(take(/^\d{4}/));
        break;
      case '06': {
        const y = Number(take(/^\d{2}/));
        p.year = y >= 69 ? 1900 + y : 2000 + y;
        break;
      }
      case '01':
        p.month = Number(take(/^\d{2}/));
        break;
      case '1':
        p.month = Number(take(/^\d{1,2}/));
        break;
      case '02':
        p.day = Number(take(/^\d{2}/));
        break;
      case '_2':
        p.day = Number(take(/^[ \d]\d/).trim());
        break;
      case '2':
        p.day = Number(take(/^\d{1,2}/));
        break;
      case '__2':
      case '002':
        take(/^[ \d]{2}\d/);
        break;
      case '15':
        p.hour = Number(take(/^\d{1,2}/));
        break;
      case '03':
        p.hour = Number(take(/^\d{2}/));
        break;
      case '3':
        p.hour = Number(take(/^\d{1,2}/));
        break;
      case '04':
        p.minute = Number(take(/^\d{2}/));
        break;
      case '4':
        p.minute = Number(take(/^\d{1,2}/));
        break;
      case '05':
      case '5':
        p.second = Number(take(token === '05' ? /^\d{2}/ : /^\d{1,2}/));
        if (/^[.,]\d/.test(v) && !/^[.,]/.test(layout.slice(i))) {
          p.nanos = Number(take(/^[.,]\d+/).slice(1).padEnd(9, '0').slice(0, 9));
        }
        break;
      case 'PM':
      case 'pm':
        p.pm = take(/^(AM|PM|am|pm)/).toUpperCase() === 'PM';
        break;
      case 'MST': {
        const abbr = take(/^[A-Z]{3,5}|^[+-]\d{2,4}/);
        if (abbr === 'UTC' || abbr === 'GMT') p.offset = 0;
        break;
      }
      default: {
        if (token.startsWith('Z') && v.startsWith('Z')) {
          v = v.slice(1);
          p.offset = 0;
          break;
        }
        const m = take(/^[+-]\d{2}(:?\d{2}(:?\d{2})?)?/);
        const digits = m.slice(1).replace(/:/g, '');
        const secs = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60 + Number(digits.slice(4, 6) || '0');
        p.offset = m.startsWith('-') ? -secs : secs;
      }
    }
  }
  if (v !== '') throw new Error(`parsing time ${JSON.stringify(value)}: extra text: ${JSON.stringify(v)}`);
  if (p.pm !== null) {
    if (p.pm && p.hour < 12) p.hour += 12;
    if (!p.pm && p.hour === 12) p.hour = 0;
  }
  if (p.month < 1 || p.month > 12) throw new Error(`parsing time ${JSON.stringify(value)}: month out of range`);
  if (p.day < 1 || p.day > 31 || p.hour > 23 || p.minute > 59 || p.second > 59) {
    throw new Error(`parsing time ${JSON.stringify(value)}: day out of range`);
  }
  const wallMs = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const wall = new Date(wallMs);
  if (p.year < 100) wall.setUTCFullYear(p.year);
  const wallNanos = BigInt(wall.getTime()) * NS_PER_MS + BigInt(p.nanos);
  if (p.offset !== null) {
    return new GoTime(wallNanos - BigInt(p.offset) * 1_000_000_000n, p.offset === 0 && zone === 'UTC' ? 'UTC' : zone);
  }
  // Resolve the wall clock in the zone: guess with the zone's offset at that instant, then correct once.
  const first = zoneInfo(wall.getTime(), zone).offset;
  const second = zoneInfo(wall.getTime() - first * 1000, zone).offset;
  return new GoTime(wallNanos - BigInt(second) * 1_000_000_000n, zone);
}

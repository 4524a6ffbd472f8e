import { ArgumentTypeError, stringArg } from '../go-args';
import { goTypeName } from '../values';
import { formatDuration, GoTime, isKnownZone, parseDuration, parseTime, roundToSecond } from './time';

/** Sprig's date argument: a time.Time, or Unix seconds as an int; anything else means "now", as in Sprig. */
function toTime(date: unknown): GoTime {
  if (date instanceof GoTime) return date;
  if (typeof date === 'bigint') return GoTime.unix(date);
  return GoTime.now();
}

function timeArg(v: unknown): GoTime {
  if (v instanceof GoTime) return v;
  if (v === null || v === undefined) throw new ArgumentTypeError('invalid value; expected time.Time');
  throw new ArgumentTypeError(`wrong type for value; expected time.Time; got ${goTypeName(v)}`);
}

function formatDate(layout: string, date: unknown, zone: string): string {
  return toTime(date)
    .In(isKnownZone(zone) ? zone : 'UTC')
    .Format(layout);
}

function dateModify(fmt: string, date: GoTime): GoTime {
  return date.Add(parseDuration(fmt));
}

/** Sprig's durationRound: the largest whole unit (y, mo, d, h, m, s) of a duration. */
function durationRound(v: unknown): string {
  let d = 0n;
  if (typeof v === 'string') {
    try {
      d = parseDuration(v);
    } catch {
      d = 0n;
    }
  } else if (typeof v === 'bigint') d = v;
  else if (v instanceof GoTime) d = GoTime.now().unixNanos - v.unixNanos;
  const u = d < 0n ? -d : d;
  const second = 1_000_000_000n;
  const units: [bigint, string][] = [
    [second * 3600n * 24n * 365n, 'y'],
    [second * 3600n * 24n * 30n, 'mo'],
    [second * 3600n * 24n, 'd'],
    [second * 3600n, 'h'],
    [second * 60n, 'm'],
    [second, 's'],
  ];
  for (const [size, suffix] of units) if (u > size) return `${u / size}${suffix}`;
  return '0s';
}

/** Sprig's date functions over GoTime values (Go's time.Time). */
export const dateFunctions = {
  now: () => GoTime.now(),
  date: (fmt: unknown, date: unknown) => formatDate(stringArg(fmt), date, 'Local'),
  dateInZone: (fmt: unknown, date: unknown, zone: unknown) => formatDate(stringArg(fmt), date, stringArg(zone)),
  date_in_zone: (fmt: unknown, date: unknown, zone: unknown) => formatDate(stringArg(fmt), date, stringArg(zone)),
  htmlDate: (date: unknown) => formatDate('2006-01-02', date, 'Local'),
  htmlDateInZone: (date: unknown, zone: unknown) => formatDate('2006-01-02', date, stringArg(zone)),
  toDate: (fmt: unknown, s: unknown) => {
    try {
      return parseTime(stringArg(fmt), stringArg(s), 'Local');
    } catch (e) {
      if (e instanceof ArgumentTypeError) throw e;
      return GoTime.zero();
    }
  },
  mustToDate: (fmt: unknown, s: unknown) => parseTime(stringArg(fmt), stringArg(s), 'Local'),
  unixEpoch: (date: unknown) => timeArg(date).Unix().toString(),
  dateModify: (fmt: unknown, date: unknown) => {
    const t = timeArg(date);
    try {
      return dateModify(stringArg(fmt), t);
    } catch (e) {
      if (e instanceof ArgumentTypeError) throw e;
      return t;
    }
  },
  date_modify: (fmt: unknown, date: unknown) => {
    const t = timeArg(date);
    try {
      return dateModify(stringArg(fmt), t);
    } catch (e) {
      if (e instanceof ArgumentTypeError) throw e;
      return t;
    }
  },
  mustDateModify: (fmt: unknown, date: unknown) => dateModify(stringArg(fmt), timeArg(date)),
  must_date_modify: (fmt: unknown, date: unknown) => dateModify(stringArg(fmt), timeArg(date)),
  duration: (sec: unknown) => {
    let n = 0n;
    if (typeof sec === 'string') n = /^[+-]?\d+$/.test(sec) ? BigInt(sec) : 0n;
    else if (typeof sec === 'bigint') n = sec;
    return formatDuration(n * 1_000_000_000n);
  },
  durationRound: (d: unknown) => durationRound(d),
  ago: (date: unknown) => formatDuration(roundToSecond(GoTime.now().unixNanos - toTime(date).unixNanos)),
};


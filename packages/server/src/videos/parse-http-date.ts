const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

// RFC 9110 §5.6.7, the three forms and nothing else (case-sensitive, as the grammar is).
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * Parses an HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, the obsolete RFC 850 form or asctime, to
 * seconds since the epoch; `null` for anything else — an ISO 8601 date, a number, a date with a
 * time zone other than GMT, an impossible day. `Date.parse` accepts all of those, which is why
 * conditionals must not use it. `nowSeconds` places RFC 850's two-digit years (§5.6.7: a year
 * more than 50 years ahead is the most recent past year with those digits). Pure.
 */
export function parseHttpDate(value: string, nowSeconds = Math.floor(Date.now() / 1000)): number | null {
  let day: string, month: string, year: number, h: string, m: string, s: string;
  let match = IMF_FIXDATE.exec(value);
  if (match) {
    [, day = '', month = '', , h = '', m = '', s = ''] = match;
    year = Number(match[3]);
  } else if ((match = RFC850.exec(value))) {
    [, day = '', month = '', , h = '', m = '', s = ''] = match;
    const thisYear = new Date(nowSeconds * 1000).getUTCFullYear();
    year = Math.floor(thisYear / 100) * 100 + Number(match[3]);
    if (year > thisYear + 50) year -= 100;
  } else if ((match = ASCTIME.exec(value))) {
    [, month = '', day = '', h = '', m = '', s = ''] = match;
    year = Number(match[6]);
  } else {
    return null;
  }
  const monthIndex = MONTHS.indexOf(month);
  const [d, hh, mm, ss] = [Number(day), Number(h), Number(m), Number(s)];
  // A leap second (60) is valid syntax; it counts as the next second, as every clock shows it.
  if (hh > 23 || mm > 59 || ss > 60 || d < 1) return null;
  const ms = Date.UTC(year, monthIndex, d, hh, mm, ss);
  if (new Date(Date.UTC(year, monthIndex, d)).getUTCDate() !== d) return null; // 31 Feb
  return Math.floor(ms / 1000);
}

// Slack's `<!date^timestamp^token_string^optional_link|fallback_text>` (docs.slack.dev, "Formatting text for
// app surfaces", date formatting; the same tokens as the rich-text date element): each token is rendered in
// the reader's own time zone (here the browser's); a timestamp or token the client cannot read shows the
// fallback text instead.
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function ordinal(n) {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}

const pad = (n) => String(n).padStart(2, '0');

function relativeDay(d, now) {
  const day = (x) => Math.round(new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime() / 86_400_000);
  return { [-1]: 'yesterday', 0: 'today', 1: 'tomorrow' }[day(d) - day(now)];
}

function clock(d, secs) {
  const h = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  return `${h}:${pad(d.getMinutes())}${secs ? `:${pad(d.getSeconds())}` : ''} ${d.getHours() < 12 ? 'AM' : 'PM'}`;
}

function ago(d, now) {
  const seconds = Math.round((now.getTime() - d.getTime()) / 1000);
  const future = seconds < 0;
  const abs = Math.abs(seconds);
  const units = [
    ['year', 365 * 86_400],
    ['month', 30 * 86_400],
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    const n = Math.floor(abs / size);
    if (n >= 1)
      return future ? `in ${n} ${unit}${n === 1 ? '' : 's'}` : `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  }
  return future ? 'in a few seconds' : 'a few seconds ago';
}

function tokens(d, now) {
  const date = `${MONTHS[d.getMonth()]} ${ordinal(d.getDate())}, ${d.getFullYear()}`;
  const short = `${MONTHS[d.getMonth()].slice(0, 3)} ${d.getDate()}, ${d.getFullYear()}`;
  const long = `${DAYS[d.getDay()]}, ${date}`;
  const rel = relativeDay(d, now);
  const longNoYear = `${DAYS[d.getDay()]}, ${MONTHS[d.getMonth()]} ${ordinal(d.getDate())}`;
  return {
    date_num: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    date_slash: `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`,
    date,
    date_short: short,
    date_long: long,
    date_long_full: `${MONTHS[d.getMonth()]} ${d.getDate()}, ${d.getFullYear()}`,
    date_pretty: rel ?? date,
    date_short_pretty: rel ?? short,
    date_long_pretty: rel ?? long,
    day_divider_pretty: rel ?? (d.getFullYear() === now.getFullYear() ? longNoYear : long),
    time: clock(d, false),
    time_secs: clock(d, true),
    ago: ago(d, now),
  };
}

/**
 * The text of a `<!date^…>` token (`inner` without the angle brackets and leading `!date^`, still HTML-escaped
 * as Slack sends it) and its optional link; `undefined` text means: show the fallback.
 */
export function formatDate(inner, now = new Date()) {
  const bar = inner.indexOf('|');
  const spec = bar === -1 ? inner : inner.slice(0, bar);
  const fallback = bar === -1 ? undefined : inner.slice(bar + 1);
  const [stamp, format, ...linkParts] = spec.split('^');
  const link = linkParts.length > 0 ? linkParts.join('^') : undefined;
  if (!/^-?\d+$/.test(stamp ?? '') || !format) return { text: undefined, fallback, link };
  const d = new Date(Number(stamp) * 1000);
  if (Number.isNaN(d.getTime())) return { text: undefined, fallback, link };
  const values = tokens(d, now);
  let unknown = false;
  const text = format.replace(/\{([a-z_]+)\}/g, (whole, name) => {
    if (Object.hasOwn(values, name)) return values[name];
    unknown = true;
    return whole;
  });
  return { text: unknown ? undefined : text, fallback, link };
}

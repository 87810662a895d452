/**
 * Money, the one home of its rules: budgets are stored as integer minor units of an ISO 4217 currency
 * (cents for USD, whole yen for JPY, fils for KWD). Every door converts the same way: the API takes
 * minor units, the CSV upload, the IATI import and the web form take the amount in major units and
 * convert here; the web shows it back in major units with the same exponent.
 */

// ISO 4217 minor-unit exponents that are not 2 (ISO 4217 list one, current codes). Zero-decimal and
// three-decimal currencies are common among recipients here (the CFA francs XOF/XAF, JOD, IQD, TND,
// KWD), so a blanket "x100" would overstate or understate their budgets by orders of magnitude.
const CURRENCY_EXPONENT: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Number of decimals of an ISO 4217 currency's minor unit (2 unless listed otherwise). */
export function currencyExponent(currency: string): number {
  return CURRENCY_EXPONENT[currency.toUpperCase()] ?? 2;
}

// Exact decimal arithmetic on the digits: 0.1 + 0.2 in binary floats would lose cents. With
// `round`, extra decimals are rounded half-up (IATI values); without it they make the value
// invalid (a person typed them). Malformed or beyond-2^53 input gives undefined.
/** Decimal string in major units → integer minor units (e.g. "12500.50", 2 → 1250050), or undefined. */
export function decimalToMinorUnits(value: string, exponent: number, round = false): number | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
  if (!m || (m[2] === '' && !m[3])) return undefined;
  const [, sign, whole, fracRaw = ''] = m;
  if (!round && fracRaw.replace(/0+$/, '').length > exponent) return undefined;
  const frac = fracRaw.padEnd(exponent + 1, '0');
  let minor = BigInt(whole || '0') * 10n ** BigInt(exponent) + BigInt(frac.slice(0, exponent) || '0');
  if (round && Number(frac[exponent]) >= 5) minor += 1n;
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  const n = Number(minor);
  return sign === '-' && n !== 0 ? -n : n;
}

/** Integer minor units → the amount in major units as a plain decimal string ("80000000", 2 → "800000"; 1250050 → "12500.50"). */
export function minorUnitsToDecimal(minor: number, exponent: number): string {
  const negative = minor < 0;
  const digits = BigInt(Math.abs(Math.trunc(minor))).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const frac = exponent ? digits.slice(digits.length - exponent) : '';
  return `${negative ? '-' : ''}${whole}${frac && /[1-9]/.test(frac) ? `.${frac}` : ''}`;
}

// No thousands separators and only `.` as decimal mark ("1,250" could be 1250 or 1.25): a number input
// in the browser sends "800000.5" whatever the user's locale shows.
/** An amount in major units as a person or a file gives it ("800000", "12500.50") → minor units; undefined when malformed or with too many decimals. */
export function parseMajorAmount(typed: string, currency: string): number | undefined {
  const t = typed.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return undefined;
  return decimalToMinorUnits(t, currencyExponent(currency));
}

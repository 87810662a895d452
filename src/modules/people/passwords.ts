import { readFileSync } from 'node:fs';
import argon2 from 'argon2';

/** NIST SP 800-63B rev. 4 §3.1.1.2: 15 characters when the password is the only factor, 8 with a second factor. */
export const MIN_LENGTH_SINGLE_FACTOR = 15;
export const MIN_LENGTH_WITH_SECOND_FACTOR = 8;
/** At least 64 must be allowed; longer is refused only to bound the hashing work. */
export const MAX_LENGTH = 128;

/** Lower-cased common and breached passwords (COMMON-PASSWORDS-SOURCE.md), read once. */
let blocklist: Set<string> | undefined;
function common(): Set<string> {
  // Read beside this file in the sources and beside the compiled file in dist (scripts/build.mjs copies it).
  blocklist ??= new Set(readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8').split('\n').filter(Boolean));
  return blocklist;
}

export type PasswordProblem = 'tooShort' | 'tooLong' | 'common' | 'personal' | 'repetitive';

/**
 * Why a new password cannot be used (empty: it can). No composition rules (SP 800-63B forbids
 * them); a length that depends on whether the user has a second factor; refused when in the
 * blocklist (also with trailing digits and punctuation removed: "password123456789" is "password"),
 * when it contains the e-mail, its local part or the person's name, or is one character repeated
 * or a run like "123456789012345".
 */
export function passwordProblems(password: string, who: { email?: string; name?: string; secondFactor?: boolean }): PasswordProblem[] {
  const min = who.secondFactor ? MIN_LENGTH_WITH_SECOND_FACTOR : MIN_LENGTH_SINGLE_FACTOR;
  // Length counts characters as people see them (code points), per SP 800-63B.
  const length = [...password].length;
  if (length < min) return ['tooShort'];
  if (length > MAX_LENGTH) return ['tooLong'];
  const problems: PasswordProblem[] = [];
  const lower = password.normalize('NFKC').toLowerCase();
  const stripped = lower.replace(/[\d\W_]+$/u, '');
  if (common().has(lower) || (stripped.length >= 4 && common().has(stripped)) || isRepeatOfCommon(lower) || isKeyboardWalk(stripped)) problems.push('common');
  const personal = [who.email?.toLowerCase(), who.email?.toLowerCase().split('@')[0], ...(who.name?.toLowerCase().split(/\s+/) ?? [])]
    .filter((x): x is string => !!x && x.length >= 4);
  if (personal.some((x) => lower.includes(x))) problems.push('personal');
  if (isRepetitive(lower)) problems.push('repetitive');
  return problems;
}

/** "passwordpassword", "abcdabcdabcdabcd": a common word, or anything shorter than 8 characters, repeated. */
function isRepeatOfCommon(p: string): boolean {
  for (let n = 1; n <= p.length / 2; n++) {
    if (p.length % n) continue;
    const unit = p.slice(0, n);
    if (unit.repeat(p.length / n) === p) return n < 8 || common().has(unit) || common().has(unit.trim());
  }
  return false;
}

/** Rows of the QWERTY and AZERTY keyboards and the digits, as people walk them ("qwertyuiopasdfgh", "azertyuiop"). */
const KEYBOARD_WALKS = ['qwertyuiopasdfghjklzxcvbnm', 'azertyuiopqsdfghjklmwxcvbn', 'qwertzuiopasdfghjklyxcvbnm', '1234567890', '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p'];
const isKeyboardWalk = (p: string) => p.length >= 8 && KEYBOARD_WALKS.some((w) => w.includes(p) || [...w].reverse().join('').includes(p));

/** Fewer than four distinct characters, or a single ascending or descending run ("abcdefghijklmnop", "987654321098765"). */
function isRepetitive(p: string): boolean {
  if (new Set(p).size < 4) return true;
  const codes = [...p].map((c) => c.codePointAt(0)!);
  const steps = new Set(codes.slice(1).map((c, i) => (c - codes[i]! + 10) % 10));
  const run = codes.slice(1).every((c, i) => Math.abs(c - codes[i]!) === 1 || Math.abs(c - codes[i]!) === 9);
  return run && steps.size <= 2;
}

/** OWASP's argon2id parameters (m = 19 MiB, t = 2, p = 1): about 20 ms here, so sign-in floods stay cheap to refuse. */
const ARGON2 = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, ARGON2);

/** A hash of a random password, verified against when the e-mail is unknown, so both take the same time. */
let dummy: Promise<string> | undefined;

/** Whether `password` matches `hash` (false for a malformed hash); with no hash, spends the same time and says no. */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (password.length > MAX_LENGTH * 4) return false;
  try {
    if (!hash) { await argon2.verify(await (dummy ??= hashPassword(`${Math.random()}-never`)), password); return false; }
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

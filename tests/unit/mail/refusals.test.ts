import { describe, expect, it } from 'vitest';
import { refusesMailbox } from '../../../src/modules/mail/mail.service.js';

describe('a permanent refusal at DATA: the mailbox or the mail', () => {
  it('goes by the enhanced status code when there is one', () => {
    expect(refusesMailbox(550, '550 5.1.1 <a@b.example>: Recipient address rejected: User unknown')).toBe(true);
    expect(refusesMailbox(554, '5.1.10 recipient address has null MX')).toBe(true);
    expect(refusesMailbox(550, '550 5.2.1 mailbox disabled')).toBe(true);
    expect(refusesMailbox(550, '550 5.7.1 message rejected as spam')).toBe(false);
    expect(refusesMailbox(552, '552 5.2.2 mailbox full')).toBe(false);
    expect(refusesMailbox(552, '552 5.3.4 message too big')).toBe(false);
    expect(refusesMailbox(550, '5.6.0 content refused')).toBe(false);
  });
  it('else by the reply code: 550, 551, 553 name the mailbox; 552 and 554 the mail', () => {
    expect([550, 551, 553].map((c) => refusesMailbox(c, `${c} no`))).toEqual([true, true, true]);
    expect([552, 554].map((c) => refusesMailbox(c, `${c} no`))).toEqual([false, false]);
  });
});

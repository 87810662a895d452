import { describe, expect, it } from 'vitest';
import { currencyExponent, decimalToMinorUnits, minorUnitsToDecimal, parseMajorAmount } from '../../src/modules/offerings/money.js';
import { sectorEvidence } from '../../src/modules/offerings/offerings.service.js';

describe('money: one rule for every door', () => {
  it('converts major units to minor units by the ISO 4217 exponent, and back', () => {
    for (const [typed, currency, minor] of [['800000', 'CAD', 80_000_000], ['2500000', 'JPY', 2_500_000], ['1250.125', 'KWD', 1_250_125], ['12500.50', 'USD', 1_250_050], ['0.01', 'EUR', 1]] as const) {
      expect(parseMajorAmount(typed, currency), `${typed} ${currency}`).toBe(minor);
      expect(parseMajorAmount(minorUnitsToDecimal(minor, currencyExponent(currency)), currency)).toBe(minor);
    }
    expect(minorUnitsToDecimal(80_000_000, 2)).toBe('800000');
    expect(minorUnitsToDecimal(1_250_050, 2)).toBe('12500.50');
    expect(minorUnitsToDecimal(5, 3)).toBe('0.005');
    expect(minorUnitsToDecimal(2_500_000, 0)).toBe('2500000');
  });

  it('refuses what a person could misread: decimals beyond the currency, thousands separators', () => {
    expect(parseMajorAmount('100.5', 'JPY')).toBeUndefined();
    expect(parseMajorAmount('1,250', 'USD')).toBeUndefined();
    expect(parseMajorAmount('12.345', 'USD')).toBeUndefined();
    expect(decimalToMinorUnits('12.345', 2, true)).toBe(1235);
  });
});

describe('IATI sectors are evidence beside the text', () => {
  const scores = [{ code: 'maritime_security', score: 4 }, { code: 'chemical_weapons', score: 2 }, { code: 'rule_of_law', score: 0 }];
  it('keeps the text\'s areas and adds a sector\'s area only with the text\'s support', () => {
    expect(sectorEvidence(scores, ['maritime_security', 'chemical_weapons'], ['rule_of_law'])).toEqual(['maritime_security', 'chemical_weapons']);
    expect(sectorEvidence([...scores, { code: 'customs', score: 1.5 }], ['maritime_security'], ['customs'])).toEqual(['maritime_security', 'customs']);
  });
  it('lets the sectors decide when the text says nothing classifiable', () => {
    expect(sectorEvidence([], [], ['rule_of_law'])).toEqual(['rule_of_law']);
  });
});

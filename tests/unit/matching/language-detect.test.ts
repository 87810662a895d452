import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../../src/matching/language.detect.js';

describe('detectLanguage', () => {
  it('uses scripts for Chinese, Arabic and Russian', () => {
    expect(detectLanguage('加强金融情报中心的分析能力')).toBe('zh');
    expect(detectLanguage('تعزيز قدرات وحدة الاستخبارات المالية')).toBe('ar');
    expect(detectLanguage('Укрепление потенциала подразделения финансовой разведки')).toBe('ru');
  });

  it('keeps Chinese when the text embeds Latin acronyms', () => {
    expect(detectLanguage('请求对FIU和FATF建议进行培训')).toBe('zh');
  });

  it('tells English, French and Spanish apart', () => {
    expect(detectLanguage('Training for prosecutors on the financing of terrorism and related offences')).toBe('en');
    expect(detectLanguage('Formation des procureurs sur le financement du terrorisme et les infractions connexes')).toBe('fr');
    expect(detectLanguage('Capacitación de fiscales sobre la financiación del terrorismo y delitos conexos')).toBe('es');
  });

  it('tells short titles apart, acronyms and all', () => {
    expect(detectLanguage('ISPS Code port facility security')).toBe('en');
    expect(detectLanguage('Formation des OPJ')).toBe('fr');
    expect(detectLanguage('Capacitación aduanas QBRN')).toBe('es');
    expect(detectLanguage('Sûreté portuaire – Code ISPS')).toBe('fr');
    expect(detectLanguage('Seguridad portuaria – Código PBIP')).toBe('es');
  });

  it('defaults to English for text too short to judge', () => {
    expect(detectLanguage('ok')).toBe('en');
    expect(detectLanguage('')).toBe('en');
    expect(detectLanguage('12345')).toBe('en');
  });
});

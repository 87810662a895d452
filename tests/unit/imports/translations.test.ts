import { describe, expect, it } from 'vitest';
import { parseOfferingsCsv } from '../../../src/modules/imports/csv.parser.js';

describe('offerings CSV: the same offering in other languages', () => {
  it('reads title_xx and description_xx pairs as translations', () => {
    const csv = [
      'title,description,languages,title_fr,description_fr,Title AR,Description-AR',
      'FIU analyst training,Training for financial intelligence unit analysts on suspicious transaction reports.,en;fr,Formation des analystes de CRF,Formation des analystes des cellules de renseignement financier aux déclarations de soupçon.,تدريب محللي وحدات الاستخبارات المالية,تدريب محللي وحدات الاستخبارات المالية على تقارير المعاملات المشبوهة.',
    ].join('\n');
    const r = parseOfferingsCsv(csv);
    expect(r.errors).toEqual([]);
    expect(r.items[0]!.value.translations).toEqual([
      { language: 'fr', title: 'Formation des analystes de CRF', description: 'Formation des analystes des cellules de renseignement financier aux déclarations de soupçon.' },
      { language: 'ar', title: 'تدريب محللي وحدات الاستخبارات المالية', description: 'تدريب محللي وحدات الاستخبارات المالية على تقارير المعاملات المشبوهة.' },
    ]);
  });

  it('reports a title without its description (and the reverse) on the row and column', () => {
    const csv = 'title,description,languages,title_es,description_zh\nA title,A description long enough,en,Un título,中文说明\n';
    const r = parseOfferingsCsv(csv);
    expect(r.items).toEqual([]);
    expect(r.errors).toEqual([
      { row: 1, line: 2, path: 'description_es', message: 'description_es is required with title_es', code: 'translation.pair', params: { column: 'description_es', other: 'title_es' } },
      { row: 1, line: 2, path: 'title_zh', message: 'title_zh is required with description_zh', code: 'translation.pair', params: { column: 'title_zh', other: 'description_zh' } },
    ]);
  });

  it('leaves translations out when the file has none', () => {
    const r = parseOfferingsCsv('title,description,languages\nA title,A description long enough,en\n');
    expect(r.items[0]!.value.translations).toBeUndefined();
  });
});

import { findCondition, isConditionTrue, removeCondition, setCondition } from './conditions';

describe('conditions', () => {
  const t1 = new Date('2026-01-01T00:00:00.000Z');
  const t2 = new Date('2026-01-01T00:05:00.000Z');

  it('adds, updates and keeps the transition time while the status stays', () => {
    let conditions = setCondition([], { type: 'Ready', status: 'False', reason: 'Progressing', message: 'starting' }, t1);
    expect(conditions).toEqual([
      { type: 'Ready', status: 'False', reason: 'Progressing', message: 'starting', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ]);
    conditions = setCondition(conditions, { type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'bad' }, t2);
    expect(findCondition(conditions, 'Ready')).toMatchObject({ reason: 'BuildFailed', lastTransitionTime: '2026-01-01T00:00:00Z' });
    conditions = setCondition(conditions, { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'ok' }, t2);
    expect(findCondition(conditions, 'Ready')?.lastTransitionTime).toBe('2026-01-01T00:05:00Z');
    expect(isConditionTrue(conditions, 'Ready')).toBe(true);
  });

  it('keeps the order of other conditions and removes by type', () => {
    let conditions = setCondition([], { type: 'Reconciling', status: 'True', reason: 'Progressing', message: '' }, t1);
    conditions = setCondition(conditions, { type: 'Ready', status: 'Unknown', reason: 'Progressing', message: '' }, t1);
    conditions = setCondition(conditions, { type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'again' }, t2);
    expect(conditions.map((c) => c.type)).toEqual(['Reconciling', 'Ready']);
    expect(removeCondition(conditions, 'Reconciling').map((c) => c.type)).toEqual(['Ready']);
    expect(isConditionTrue(undefined, 'Ready')).toBe(false);
  });
});

import { heapGrowthFlag } from './heap-growth';

describe('heapGrowthFlag', () => {
  it.each([
    { role: 'worker', percent: 50, flag: '--heap-growing-percent=50' },
    { role: 'all', percent: 120, flag: '--heap-growing-percent=120' },
    { role: 'api', percent: 50, flag: null },
    { role: 'worker', percent: 0, flag: null },
    { role: 'all', percent: 0, flag: null },
  ] as const)('$role at $percent % → $flag', ({ role, percent, flag }) => {
    expect(heapGrowthFlag(role, percent)).toBe(flag);
  });
});

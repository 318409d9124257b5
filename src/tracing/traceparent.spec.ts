import { formatTraceparent, parseTraceparent } from './traceparent';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('parseTraceparent', () => {
  it.each([
    [`00-${TRACE}-${SPAN}-01`, { traceId: TRACE, spanId: SPAN, sampled: true }],
    [`00-${TRACE}-${SPAN}-00`, { traceId: TRACE, spanId: SPAN, sampled: false }],
    [` 00-${TRACE}-${SPAN}-03 `, { traceId: TRACE, spanId: SPAN, sampled: true }],
    [`01-${TRACE}-${SPAN}-01-future`, { traceId: TRACE, spanId: SPAN, sampled: true }],
  ])('reads %j', (header, expected) => {
    expect(parseTraceparent(header)).toEqual(expected);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['extra field on version 00', `00-${TRACE}-${SPAN}-01-x`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['upper-case hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['short trace id', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['garbage', 'hello'],
  ])('ignores a %s header', (_case, header) => {
    expect(parseTraceparent(header)).toBeNull();
  });
});

describe('formatTraceparent', () => {
  it.each([
    [true, `00-${TRACE}-${SPAN}-01`],
    [false, `00-${TRACE}-${SPAN}-00`],
  ])('writes sampled=%s as version 00', (sampled, expected) => {
    const sut = formatTraceparent({ traceId: TRACE, spanId: SPAN, sampled });
    expect(sut).toBe(expected);
    expect(parseTraceparent(sut)).toEqual({ traceId: TRACE, spanId: SPAN, sampled });
  });
});

import { buildDeliveryBody } from './delivery-body';

describe('buildDeliveryBody', () => {
  const createdAt = new Date('2030-01-02T03:04:05.678Z');

  it('wraps the stored payload text as data, with id, type and the message time', () => {
    const sut = buildDeliveryBody('msg_1', 'invoice.paid', createdAt, '{"total":42}');
    expect(JSON.parse(sut)).toEqual({
      id: 'msg_1',
      type: 'invoice.paid',
      timestamp: '2030-01-02T03:04:05.678Z',
      data: { total: 42 },
    });
  });

  it('keeps the payload bytes exactly as stored (key order, spacing, number spelling)', () => {
    const payload = '{ "b": 1.50, "a": [ 1,2 ] }';
    expect(buildDeliveryBody('msg_1', 't', createdAt, payload)).toContain(`"data":${payload}}`);
  });

  it('escapes an event type that would otherwise break the JSON', () => {
    const sut = buildDeliveryBody('msg_1', 'a"b', createdAt, 'null');
    expect(JSON.parse(sut).type).toBe('a"b');
  });
});

import { SignatureSigner } from '../signing/signature-signer';
import { signerAt, type EndpointDeliveryConfig } from './endpoint-config';

const CURRENT = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const PREVIOUS = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
const EXPIRES = new Date(Date.UTC(2030, 0, 2));

function config(previous: boolean): EndpointDeliveryConfig {
  return {
    id: 'ep_1',
    appId: 'app_1',
    url: new URL('https://example.com/hook'),
    origin: 'https://example.com',
    path: '/hook',
    baseHeaderList: [],
    currentSecret: CURRENT,
    signer: new SignatureSigner([CURRENT]),
    rotationSigner: previous ? new SignatureSigner([CURRENT, PREVIOUS]) : null,
    previousSecretExpiresAt: previous ? EXPIRES : null,
    signatureHeader: null,
    sendTraceContext: false,
    retrySchedule: null,
    updatedAt: 0,
  };
}

const signaturesAt = (sut: EndpointDeliveryConfig, at: number): number =>
  signerAt(sut, new Date(at)).sign('msg_1', 1, '{}').split(' ').length;

describe('signerAt', () => {
  it.each([
    ['a day before the previous secret expires', EXPIRES.getTime() - 86_400_000, 2],
    ['one millisecond before it expires', EXPIRES.getTime() - 1, 2],
    ['the moment it expires', EXPIRES.getTime(), 1],
    ['after it expired', EXPIRES.getTime() + 1, 1],
  ])('signs %s with %i secret(s)', (_when, at, count) => {
    expect(signaturesAt(config(true), at)).toBe(count);
  });

  it('signs with the current secret alone when there is no previous one', () => {
    expect(signaturesAt(config(false), 0)).toBe(1);
  });
});

import { SecretBox } from '../common/crypto/secret-box';
import { PREVIOUS_SECRET_GRACE_MS, secretContext, signingSecretsAt } from './signing-secrets';

describe('signingSecretsAt', () => {
  const box = new SecretBox(Buffer.alloc(32, 3));
  const rotatedAt = new Date(Date.UTC(2030, 0, 1));
  const row = {
    id: 'ep_1',
    secretEnc: box.seal('whsec_current', secretContext('ep_1')),
    previousSecretEnc: box.seal('whsec_previous', secretContext('ep_1')),
    previousSecretExpiresAt: new Date(rotatedAt.getTime() + PREVIOUS_SECRET_GRACE_MS),
  };

  it('gives only the current secret when none was rotated out', () => {
    const sut = signingSecretsAt(
      { ...row, previousSecretEnc: null, previousSecretExpiresAt: null },
      rotatedAt,
      box,
    );
    expect(sut).toEqual(['whsec_current']);
  });

  it('gives current then previous during the grace period', () => {
    expect(signingSecretsAt(row, rotatedAt, box)).toEqual(['whsec_current', 'whsec_previous']);
  });

  it('still gives the previous secret 1 ms before it expires', () => {
    expect(
      signingSecretsAt(row, new Date(row.previousSecretExpiresAt.getTime() - 1), box),
    ).toHaveLength(2);
  });

  it('drops the previous secret at its expiry', () => {
    expect(signingSecretsAt(row, row.previousSecretExpiresAt, box)).toEqual(['whsec_current']);
  });

  it('refuses a secret sealed for another endpoint', () => {
    expect(() => signingSecretsAt({ ...row, id: 'ep_2' }, rotatedAt, box)).toThrow();
  });
});

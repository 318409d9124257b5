import { Inject, Injectable } from '@nestjs/common';
import { AppsService } from '../apps/apps.service';
import { CLOCK, type Clock } from '../common/clock';
import { SECRET_BOX, SecretBox } from '../common/crypto/secret-box';
import { NotFoundError, ValidationError } from '../common/errors/domain-error';
import { generateSigningSecret } from '../common/signing-secret';
import { AppRoutingCache } from '../routing/app-routing.cache';
import { RotateSecretDto, SigningSecretDto } from './dto/endpoint.dto';
import { EndpointsRepository } from './endpoints.repository';
import { EndpointsService } from './endpoints.service';
import { PREVIOUS_SECRET_GRACE_MS, secretContext } from './signing-secrets';

/** Reading and rotating an endpoint's signing secret; the only place a secret leaves the API. */
@Injectable()
export class EndpointSecretsService {
  constructor(
    private readonly endpoints: EndpointsService,
    private readonly repository: EndpointsRepository,
    private readonly apps: AppsService,
    private readonly routing: AppRoutingCache,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async current(appIdOrUid: string, endpointId: string): Promise<SigningSecretDto> {
    const endpoint = await this.endpoints.get(appIdOrUid, endpointId);
    return { key: this.box.open(endpoint.secretEnc, secretContext(endpoint.id)) };
  }

  /**
   * The new secret becomes current; the one it replaces keeps signing (as a second signature)
   * for 24 hours so receivers can switch without dropping deliveries. Rotating again within
   * that window retires the older one at once.
   */
  async rotate(
    appIdOrUid: string,
    endpointId: string,
    dto: RotateSecretDto,
  ): Promise<SigningSecretDto> {
    if (dto.secret !== undefined && dto.key !== undefined && dto.secret !== dto.key) {
      const message = 'secret and key name the same value: give one of them';
      throw new ValidationError(message, [{ field: 'secret', message }]);
    }
    const app = await this.apps.get(appIdOrUid);
    const key = dto.secret ?? dto.key ?? generateSigningSecret();
    const now = this.clock.now();
    const rotated = await this.repository.modify(app.id, endpointId, (current) => ({
      secretEnc: this.box.seal(key, secretContext(current.id)),
      previousSecretEnc: current.secretEnc,
      previousSecretExpiresAt: new Date(now.getTime() + PREVIOUS_SECRET_GRACE_MS),
      updatedAt: now,
    }));
    if (!rotated) throw new NotFoundError('endpoint', endpointId);
    this.routing.invalidate(app.id);
    return { key };
  }
}

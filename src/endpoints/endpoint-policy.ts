import { Inject, Injectable } from '@nestjs/common';
import { networkInterfaces } from 'node:os';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { deniedAddresses } from '../egress/dispatch/own-addresses';
import { type BodyShape, eventTypeFieldFormatProblem } from '../common/body-shape';
import { ValidationError } from '../common/errors/domain-error';
import {
  type AddressCheck,
  compileAddressPolicy,
  literalHostAddress,
} from '../egress/ssrf/address-policy';
import { type AuthTokenScheme, authTokenSchemeProblem, headersProblems } from './endpoint-rules';

/**
 * Endpoint rules that span fields or depend on configuration; single-field rules live in the
 * DTOs. Hostnames are not resolved here: the worker checks every address it connects to.
 */
@Injectable()
export class EndpointPolicy {
  private readonly forbiddenReason: AddressCheck;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.forbiddenReason = compileAddressPolicy({
      allowPrivate: config.DELIVERY_ALLOW_PRIVATE_NETWORKS,
      // The same list the delivery dispatchers refuse at connect time.
      extraForbidden: deniedAddresses(config, networkInterfaces()),
    });
  }

  checkUrl(url: string): void {
    // WHATWG parsing has already normalised odd IPv4 spellings (2130706433 → 127.0.0.1).
    const address = literalHostAddress(new URL(url).hostname);
    const reason = address === null ? null : this.forbiddenReason(address);
    if (reason !== null) {
      const message = `url points at a forbidden address (${reason})`;
      throw new ValidationError(message, [{ field: 'url', message }], 'forbidden_address');
    }
  }

  checkHeaders(headers: Record<string, string>, signatureHeader: string | null): void {
    const problems = headersProblems(headers, signatureHeader);
    if (problems.length > 0) {
      throw new ValidationError(
        `headers ${problems.join('; ')}`,
        problems.map((message) => ({ field: 'headers', message: `headers ${message}` })),
      );
    }
  }

  /** Cross-field rule of the delivered body (single fields are checked by the DTO). */
  checkBodyShape(shape: BodyShape): void {
    const message = eventTypeFieldFormatProblem(shape);
    if (message !== null)
      throw new ValidationError(message, [{ field: 'eventTypeField', message }]);
  }

  /**
   * The scheme against the token the endpoint will hold (null: none). The 422 names the field
   * the request gave that the caller can fix: the scheme that needs a missing token, or the
   * token that does not fit the scheme (the other one when only one was given).
   */
  checkAuthTokenScheme(
    scheme: AuthTokenScheme,
    token: string | null,
    given: { scheme: boolean; token: boolean },
  ): void {
    const problem = authTokenSchemeProblem(scheme, token);
    if (problem === null) return;
    const blameScheme = token === null ? given.scheme : !given.token;
    const field = blameScheme ? 'authTokenScheme' : 'authToken';
    const message = `${field}: ${problem}`;
    throw new ValidationError(message, [{ field, message }]);
  }

  checkDisabledReason(disabled: boolean, disabledReason: string | null | undefined): void {
    if (!disabled && disabledReason !== undefined && disabledReason !== null) {
      const message = 'disabledReason can only be set together with disabled: true';
      throw new ValidationError(message, [{ field: 'disabledReason', message }]);
    }
  }
}

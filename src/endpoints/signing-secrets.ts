/** Additional authenticated data of the sealed secrets: the worker opens them with exactly these. */
export const secretContext = (endpointId: string): string => `${endpointId}/secret`;
export const authTokenContext = (endpointId: string): string => `${endpointId}/auth-token`;

/** How long a rotated-out secret still signs deliveries. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;

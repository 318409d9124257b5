/** Product identity, sent as the delivery User-Agent and shown in the OpenAPI document. */
export const PRODUCT_NAME = 'Hookrelay';
export const PRODUCT_VERSION = '0.1.0';
export const USER_AGENT = `${PRODUCT_NAME}-Webhooks/${PRODUCT_VERSION} (+https://www.standardwebhooks.com)`;

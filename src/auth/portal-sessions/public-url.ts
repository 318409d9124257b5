import type { AppConfig } from '../../config/app-config';

/**
 * Where customers reach this service: PUBLIC_URL, or else http://<HOST>:<PORT> (localhost
 * when HOST listens on every interface). No trailing slash.
 */
export function publicBaseUrl(config: Pick<AppConfig, 'PUBLIC_URL' | 'HOST' | 'PORT'>): string {
  if (config.PUBLIC_URL !== undefined) return config.PUBLIC_URL.replace(/\/+$/, '');
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}`;
}

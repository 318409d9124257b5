import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** GET /api/v1/portal/session: whose portal this is and what the session may do. */
export interface PortalSessionInfo {
  sessionId: string;
  app: { id: string; name: string; primaryColor: string | null; logoUrl: string | null };
  capabilities: string[];
  endpointIds: string[] | null;
  expiresAt: string;
}

export interface Portal extends PortalSessionInfo {
  can: (capability: string) => boolean;
}

export const PortalContext = createContext<Portal | null>(null);

export function usePortal(): Portal {
  const portal = useContext(PortalContext);
  if (!portal) throw new Error('usePortal outside PortalContext');
  return portal;
}

export const toPortal = (info: PortalSessionInfo): Portal => ({
  ...info,
  can: (capability) => info.capabilities.includes(capability),
});

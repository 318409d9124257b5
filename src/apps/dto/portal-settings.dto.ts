import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUrl, Matches, MaxLength, ValidateIf } from 'class-validator';

/**
 * Light theming of the customer portal for one app. Every field optional; null clears it.
 * The logo must be https (the portal is embedded in operators' https pages).
 */
export class PortalSettingsDto {
  @ApiPropertyOptional({ example: 'Acme webhooks', maxLength: 128, nullable: true })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsString()
  @MaxLength(128)
  displayName?: string | null;

  @ApiPropertyOptional({ example: '#3355ff', pattern: '^#[0-9a-fA-F]{6}$', nullable: true })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @Matches(/^#[0-9a-fA-F]{6}$/, { message: 'primaryColor must be a colour written #rrggbb' })
  primaryColor?: string | null;

  @ApiPropertyOptional({
    example: 'https://acme.example/logo.svg',
    maxLength: 2048,
    nullable: true,
  })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @MaxLength(2048)
  @IsUrl(
    { protocols: ['https'], require_protocol: true, require_tld: false },
    { message: 'logoUrl must be an https URL' },
  )
  logoUrl?: string | null;
}

/** What is stored in `app.portal` (unset fields absent). */
export interface PortalSettings {
  displayName?: string;
  primaryColor?: string;
  logoUrl?: string;
}

/** A PATCH merges: a field given replaces, null removes, absent keeps. */
export function mergePortalSettings(
  current: PortalSettings,
  change: PortalSettingsDto,
): PortalSettings {
  const next: Record<string, string> = { ...current } as Record<string, string>;
  for (const key of ['displayName', 'primaryColor', 'logoUrl'] as const) {
    const value = change[key];
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return next;
}

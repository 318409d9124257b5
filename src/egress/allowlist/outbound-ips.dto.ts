import { ApiProperty } from '@nestjs/swagger';

export class OutboundIpsResponseDto {
  @ApiProperty({
    type: [String],
    example: ['203.0.113.10', '198.51.100.0/28'],
    description: 'Addresses or CIDR ranges webhooks are sent from. Allowlist all of them.',
  })
  webhook_outbound_ips!: string[];

  @ApiProperty({
    example: '2030-01-01T00:00:00.000Z',
    description:
      'When the answering process started serving this list (it can only change with a restart). ' +
      'Compare the list or the ETag to detect changes, not this time.',
  })
  updatedAt!: string;
}

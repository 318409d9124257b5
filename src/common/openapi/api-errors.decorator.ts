import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

export class ErrorResponseDto {
  @ApiProperty({ example: 422 }) statusCode!: number;
  @ApiProperty({ example: 'validation_failed' }) code!: string;
  @ApiProperty({ example: 'name must be a string' }) message!: string;
  @ApiPropertyOptional({ description: 'Per-field problems, when there are several.' })
  details?: unknown;
  @ApiPropertyOptional({ description: 'On 500 only: quote it when reporting the problem.' })
  errorId?: string;
}

/** The error answers every authenticated route can give, for the OpenAPI document. */
export const ApiErrors = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    ApiResponse({
      status: 400,
      description: 'Malformed request (bad JSON, bad cursor)',
      type: ErrorResponseDto,
    }),
    ApiResponse({ status: 401, description: 'Missing or invalid API key', type: ErrorResponseDto }),
    ApiResponse({ status: 404, description: 'Not found', type: ErrorResponseDto }),
    ApiResponse({
      status: 422,
      description: 'Invalid input; `details` names each field',
      type: ErrorResponseDto,
    }),
  );

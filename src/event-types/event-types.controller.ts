import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { AdminOnly, RequiresCapability } from '../common/auth/access.decorators';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { Page } from '../common/pagination';
import {
  CreateEventTypeDto,
  EventTypePageDto,
  EventTypeQueryDto,
  EventTypeResponseDto,
  UpdateEventTypeDto,
} from './dto/event-type.dto';
import { EventTypesService } from './event-types.service';

@ApiTags('Event types')
@ApiErrors()
@Controller('api/v1/event-types')
export class EventTypesController {
  constructor(private readonly types: EventTypesService) {}

  @Post()
  @ApiOperation({ summary: 'Add an event type to the catalog' })
  @ApiCreatedResponse({ type: EventTypeResponseDto })
  @AdminOnly()
  async create(@Body() dto: CreateEventTypeDto): Promise<EventTypeResponseDto> {
    return EventTypeResponseDto.from(await this.types.create(dto));
  }

  @Get()
  @ApiOperation({ summary: 'List event types by name' })
  @ApiOkResponse({ type: EventTypePageDto })
  @RequiresCapability('event-types:read', { filtersEndpoints: true })
  list(@Query() query: EventTypeQueryDto): Promise<Page<EventTypeResponseDto>> {
    return this.types.list(query);
  }

  @Get(':name')
  @ApiOperation({ summary: 'Get an event type' })
  @ApiOkResponse({ type: EventTypeResponseDto })
  @RequiresCapability('event-types:read', { filtersEndpoints: true })
  async get(@Param('name') name: string): Promise<EventTypeResponseDto> {
    return EventTypeResponseDto.from(await this.types.get(name));
  }

  @Patch(':name')
  @ApiOperation({ summary: 'Update description, schema or archived' })
  @ApiOkResponse({ type: EventTypeResponseDto })
  @AdminOnly()
  async update(
    @Param('name') name: string,
    @Body() dto: UpdateEventTypeDto,
  ): Promise<EventTypeResponseDto> {
    return EventTypeResponseDto.from(await this.types.update(name, dto));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an event type from the catalog' })
  @ApiNoContentResponse()
  @AdminOnly()
  delete(@Param('name') name: string): Promise<void> {
    return this.types.delete(name);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { AdminOnly } from '../common/auth/access.decorators';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Page } from '../common/pagination';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { AppsService } from './apps.service';
import { AppPageDto, AppQueryDto, AppResponseDto, CreateAppDto, UpdateAppDto } from './dto/app.dto';
import { ApiOkResponse, ApiCreatedResponse } from '@nestjs/swagger';

@ApiTags('Apps')
@ApiErrors()
@AdminOnly()
@Controller('api/v1/apps')
export class AppsController {
  constructor(private readonly apps: AppsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an app (a tenant: one customer of yours)' })
  @ApiCreatedResponse({ type: AppResponseDto })
  async create(@Body() dto: CreateAppDto): Promise<AppResponseDto> {
    return AppResponseDto.from(await this.apps.create(dto));
  }

  @Get()
  @ApiOperation({ summary: 'List apps, oldest first; ?search= narrows by name, id or uid' })
  @ApiOkResponse({ type: AppPageDto })
  list(@Query() query: AppQueryDto): Promise<Page<AppResponseDto>> {
    return this.apps.list(query);
  }

  @Get(':appId')
  @ApiOperation({ summary: 'Get an app by id or uid' })
  @ApiOkResponse({ type: AppResponseDto })
  async get(@Param('appId') appId: string): Promise<AppResponseDto> {
    return AppResponseDto.from(await this.apps.get(appId));
  }

  @Patch(':appId')
  @ApiOperation({ summary: 'Update an app' })
  @ApiOkResponse({ type: AppResponseDto })
  async update(@Param('appId') appId: string, @Body() dto: UpdateAppDto): Promise<AppResponseDto> {
    return AppResponseDto.from(await this.apps.update(appId, dto));
  }

  @Delete(':appId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an app with its endpoints, messages, deliveries and attempts' })
  @ApiNoContentResponse()
  delete(@Param('appId') appId: string): Promise<void> {
    return this.apps.delete(appId);
  }
}

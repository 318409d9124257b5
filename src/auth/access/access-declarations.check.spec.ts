import { Controller, Get, Module, Post } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Public } from '../../common/auth/public.decorator';
import { AccessDeclarationsCheck } from './access-declarations.check';
import { AdminOnly, RequiresCapability } from '../../common/auth/access.decorators';

@Controller('declared')
class DeclaredController {
  @Get()
  @RequiresCapability('endpoints:read')
  read(): string {
    return 'ok';
  }

  @Post()
  @AdminOnly()
  write(): string {
    return 'ok';
  }
}

@Public()
@Controller('public')
class PublicController {
  @Get()
  get(): string {
    return 'ok';
  }
}

@AdminOnly()
@Controller('admin')
class ClassDeclaredController {
  @Get()
  get(): string {
    return 'ok';
  }
}

@Controller('forgot')
class ForgetfulController {
  @Get()
  @RequiresCapability('messages:read')
  declared(): string {
    return 'ok';
  }

  @Post()
  undeclared(): string {
    return 'oops';
  }
}

async function boot(...controllers: Array<new () => unknown>): Promise<void> {
  @Module({ imports: [DiscoveryModule], controllers, providers: [AccessDeclarationsCheck] })
  class TestModule {}
  const app = await NestFactory.create(TestModule, new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  try {
    await app.init();
  } finally {
    await app.close();
  }
}

describe('AccessDeclarationsCheck', () => {
  it('lets an app start when every route declares its access (on the method or the class)', async () => {
    await expect(
      boot(DeclaredController, PublicController, ClassDeclaredController),
    ).resolves.toBeUndefined();
  });

  it('stops start-up naming the route that declares nothing', async () => {
    await expect(boot(DeclaredController, ForgetfulController)).rejects.toThrow(
      /without an access declaration.*ForgetfulController\.undeclared$/,
    );
  });
});

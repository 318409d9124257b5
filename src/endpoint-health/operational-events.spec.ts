import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { loadConfig } from '../config/app-config';
import type { MessageIngestService } from '../messages/message-ingest.service';
import type { EndpointHealthRepository } from './endpoint-health.repository';
import { OperationalEvents } from './operational-events';

describe('OperationalEvents at worker start-up', () => {
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  afterEach(() => warn.mockClear());
  afterAll(() => warn.mockRestore());

  const sutWith = (app: string | undefined, existing: string | null): OperationalEvents =>
    new OperationalEvents(
      {} as MessageIngestService,
      { appIdOf: async () => existing } as unknown as EndpointHealthRepository,
      loadConfig(app === undefined ? {} : { OPERATIONAL_EVENTS_APP: app }),
    );

  it('warns, naming the variable and its value, when no app has that id or uid', async () => {
    await sutWith('ops', null).onApplicationBootstrap();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][1])).toMatch(
      /OPERATIONAL_EVENTS_APP="ops" names no existing app.*dropped/,
    );
  });

  it('is quiet when the app exists', async () => {
    await sutWith('ops', 'app_01').onApplicationBootstrap();
    expect(warn).not.toHaveBeenCalled();
  });

  it('is quiet when no operational app is configured', async () => {
    await sutWith(undefined, null).onApplicationBootstrap();
    expect(warn).not.toHaveBeenCalled();
  });
});

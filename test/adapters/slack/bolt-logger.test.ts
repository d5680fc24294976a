/**
 * Bolt's Logger interface over our logger: levels, errors, and no Slack token ever passed on.
 */
import { LogLevel } from '@slack/bolt';
import { createBoltLogger } from '../../../src/adapters/slack/bolt-logger';
import { MemoryLogger } from '../../fakes/silent-logger';

describe('createBoltLogger', () => {
  it('forwards messages with the component name and keeps errors as err', () => {
    const logger = new MemoryLogger();
    const bolt = createBoltLogger(logger);
    bolt.setName('web-api:WebClient:0');
    const failure = new Error('boom');
    bolt.error('request failed', failure);
    bolt.info('a', { b: 1 });
    expect(logger.entries).toEqual([
      { level: 'error', obj: { component: 'web-api:WebClient:0', err: failure }, msg: 'request failed' },
      { level: 'info', obj: { component: 'web-api:WebClient:0' }, msg: 'a {"b":1}' },
    ]);
  });

  it('drops messages below its level', () => {
    const logger = new MemoryLogger();
    const bolt = createBoltLogger(logger);
    bolt.setLevel(LogLevel.WARN);
    bolt.debug('noise');
    bolt.info('noise');
    bolt.warn('kept');
    expect(bolt.getLevel()).toBe(LogLevel.WARN);
    expect(logger.entries.map((e) => e.msg)).toEqual(['kept']);
  });

  it('redacts Slack tokens that a library might print', () => {
    const logger = new MemoryLogger();
    createBoltLogger(logger).debug(
      'http request headers: {"Authorization":"Bearer xoxb-123-456-abcDEF"}',
      'xapp-1-A1-2-ff',
    );
    expect(logger.entries[0].msg).not.toContain('xoxb-123');
    expect(logger.entries[0].msg).not.toContain('xapp-1');
    expect(logger.entries[0].msg).toContain('[redacted]');
  });
});

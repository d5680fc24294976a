/**
 * `flowdesk start` without Slack credentials says exactly what to set and where to find it.
 */
import { missingSlackCredentials } from '../../../src/adapters/slack/start-slack';

describe('missingSlackCredentials', () => {
  it('names the bot token and both ways to receive events when nothing is set', () => {
    const message = missingSlackCredentials({});
    expect(message).toContain('SLACK_BOT_TOKEN');
    expect(message).toContain('OAuth & Permissions');
    expect(message).toContain('SLACK_SIGNING_SECRET');
    expect(message).toContain('SLACK_APP_TOKEN');
    expect(message).toContain('flowdesk chat');
  });

  it('asks only for what is missing', () => {
    const message = missingSlackCredentials({ SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(message).not.toContain('SLACK_BOT_TOKEN:');
    expect(message).toContain('Signing Secret');
    expect(missingSlackCredentials({ SLACK_SIGNING_SECRET: 's' })).not.toContain(
      'SLACK_SIGNING_SECRET for HTTP',
    );
  });

  it('accepts HTTP mode and Socket Mode', () => {
    expect(missingSlackCredentials({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' })).toBeUndefined();
    expect(missingSlackCredentials({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })).toBeUndefined();
  });
});

/**
 * manifest.json is a valid Slack app manifest (schema 1.0.0, draft-07, from slackapi/manifest-schema,
 * copied under test/fixtures/slack with its MIT licence) and declares what the bot uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const root = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
const schema = JSON.parse(readFileSync(join(root, 'test/fixtures/slack/manifest.schema.1.0.0.json'), 'utf8'));

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('manifest.json', () => {
  it('validates against the Slack manifest schema 1.0.0', () => {
    const validate = validator();
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('is rejected by the schema when broken (the check is real)', () => {
    const validate = validator();
    const broken = structuredClone(manifest);
    broken.features.slash_commands[0].command = 'flowdesk';
    broken.display_information.name = 'x'.repeat(40);
    expect(validate(broken)).toBe(false);
  });

  it('runs in HTTP mode against /slack/events with interactivity on', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.settings.event_subscriptions.request_url).toBe(
      'https://flowdesk.example.com/slack/events',
    );
    expect(manifest.settings.interactivity).toEqual({
      is_enabled: true,
      request_url: 'https://flowdesk.example.com/slack/events',
    });
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: '/flowdesk', url: 'https://flowdesk.example.com/slack/events' }),
    ]);
    expect(manifest.features.slash_commands[0].usage_hint).toContain('runs');
  });

  it('subscribes to the events the listeners handle', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(
      ['app_home_opened', 'app_mention', 'message.channels', 'message.groups', 'message.im'].sort(),
    );
  });

  it('enables the Home tab and a writable Messages tab', () => {
    expect(manifest.features.app_home).toEqual({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: false,
    });
  });

  it('asks for the scopes the features need', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining([
        'app_mentions:read',
        'chat:write',
        'im:history',
        'commands',
        'users:read',
        'users:read.email',
        'usergroups:read',
        'reactions:write',
        'channels:history',
        'groups:history',
        'files:write',
      ]),
    );
  });
});

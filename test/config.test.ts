import { loadConfig, prefectUiUrl, withoutCredentials } from '../src/config';
import { FlowdeskError } from '../src/core/errors';

describe('loadConfig', () => {
  it('applies the documented defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config.PREFECT_API_URL).toBe('http://127.0.0.1:4200/api');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.FLOWDESK_ROUTER).toBe('auto');
    expect(config.PORT).toBe(3000);
    expect(config.FLOWDESK_ADMINS).toEqual([]);
  });

  it('parses admins and port', () => {
    const config = loadConfig({ FLOWDESK_ADMINS: ' U1, U2 ,,', PORT: '8080' });
    expect(config.FLOWDESK_ADMINS).toEqual(['U1', 'U2']);
    expect(config.PORT).toBe(8080);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ FLOWDESK_ROUTER: 'magic' }, 'FLOWDESK_ROUTER'],
    [{ SLACK_BOT_TOKEN: 'xoxp-user' }, 'SLACK_BOT_TOKEN'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ PREFECT_API_URL: 'not a url' }, 'PREFECT_API_URL'],
    [{ FLOWDESK_WEBHOOK_SECRET: 'short' }, 'FLOWDESK_WEBHOOK_SECRET'],
  ])('rejects %p naming the variable', (env, variable) => {
    try {
      loadConfig(env as Record<string, string>);
      throw new Error('expected loadConfig to throw');
    } catch (error) {
      expect(error).toBeInstanceOf(FlowdeskError);
      expect((error as FlowdeskError).code).toBe('config_invalid');
      expect((error as FlowdeskError).userMessage).toContain(variable);
    }
  });

  it('never echoes a secret value in its error', () => {
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'xoxp-very-secret-value' });
    } catch (error) {
      expect((error as FlowdeskError).userMessage).not.toContain('very-secret');
    }
    expect.assertions(1);
  });
});

describe('prefectUiUrl', () => {
  it('derives the self-hosted UI from the API URL', () => {
    expect(prefectUiUrl({ PREFECT_API_URL: 'http://prefect:4200/api' })).toBe('http://prefect:4200');
  });
  it('derives the Cloud UI with singular path segments', () => {
    const api = 'https://api.prefect.cloud/api/accounts/aaa/workspaces/www';
    expect(prefectUiUrl({ PREFECT_API_URL: api })).toBe(
      'https://app.prefect.cloud/account/aaa/workspace/www',
    );
  });
  it('prefers PREFECT_UI_URL', () => {
    expect(prefectUiUrl({ PREFECT_API_URL: 'http://x/api', PREFECT_UI_URL: 'https://ui.example/' })).toBe(
      'https://ui.example',
    );
  });
});

describe('withoutCredentials', () => {
  it('drops the user name and password of a URL and keeps the rest', () => {
    expect(withoutCredentials('https://user:pa55@llm.example/v1?x=1')).toBe('https://llm.example/v1?x=1');
    expect(withoutCredentials('http://127.0.0.1:4200/api')).toBe('http://127.0.0.1:4200/api');
  });
  it('leaves a string that is not a URL as it is', () => {
    expect(withoutCredentials('not a url')).toBe('not a url');
  });
});

describe('loadConfig with a copied .env.example', () => {
  it('treats empty optional values as unset', () => {
    const config = loadConfig({
      OPENAI_BASE_URL: '',
      PREFECT_UI_URL: ' ',
      SLACK_BOT_TOKEN: '',
      FLOWDESK_ADMINS: '',
    });
    expect(config.OPENAI_BASE_URL).toBeUndefined();
    expect(config.PREFECT_UI_URL).toBeUndefined();
    expect(config.SLACK_BOT_TOKEN).toBeUndefined();
  });
});

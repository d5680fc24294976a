/**
 * Slack message text → the plain words the engine routes on: the bot's own mention removed,
 * links and e-mail addresses unwrapped (`<mailto:a@b.c|a@b.c>` → `a@b.c`), entities decoded.
 * Other users' mentions stay as `<@U…>` because they can be parameters.
 */
export function toPlainText(text: string, botUserId?: string): string {
  let result = text;
  if (botUserId) result = result.replace(new RegExp(`<@${escapeRegExp(botUserId)}(\\|[^>]*)?>`, 'g'), ' ');
  result = result
    .replace(/<mailto:([^|>]+)(\|[^>]*)?>/g, (_m, address: string) => address)
    .replace(/<#([CG][A-Z0-9]+)\|([^>]*)>/g, (_m, _id: string, name: string) => `#${name}`)
    .replace(/<(https?:\/\/[^|>]+)\|([^>]*)>/g, (_m, url: string, label: string) =>
      label === url ? url : `${label} (${url})`,
    )
    .replace(/<(https?:\/\/[^>]+)>/g, (_m, url: string) => url)
    .replace(/<!(here|channel|everyone)(\|[^>]*)?>/g, '@$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return result.replace(/\s+/g, ' ').trim();
}

export function mentionsUser(text: string | undefined, userId: string | undefined): boolean {
  return Boolean(text && userId && text.includes(`<@${userId}`));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

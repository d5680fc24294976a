/**
 * Slack message text → the plain words the engine routes on: the bot's own mention removed,
 * links and e-mail addresses unwrapped (`<mailto:a@b.c|a@b.c>` → `a@b.c`), entities decoded.
 * Other users' mentions stay as `<@U…>` because they can be parameters.
 */

/**
 * One `<…>` token. Slack escapes a typed `<` as `&lt;`, so a real token never contains `<`: excluding
 * it keeps every match attempt within the stretch up to the next `<`, which makes the whole pass
 * linear (a class that allowed `<` rescanned the rest of the text from every `<`: quadratic).
 */
const ANGLE_TOKEN = /<([^<>]*)>/g;
const ENTITY = /&(lt|gt|amp);/g;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&' };
const LINK = /^https?:\/\//;
const CHANNEL = /^#[CG][A-Z0-9]+\|/;
const BROADCAST = /^!(here|channel|everyone)(?:\||$)/;

export function toPlainText(text: string, botUserId?: string): string {
  const unwrapped = text.replace(ANGLE_TOKEN, (token, inner: string) => unwrap(inner, botUserId) ?? token);
  // Entities are decoded once, after unwrapping, so `&lt;@U…&gt;` typed by a person stays text.
  return unwrapped
    .replace(ENTITY, (entity, name: string) => ENTITIES[name] ?? entity)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The plain text for the inside of one `<…>` token; undefined leaves the token as it is. */
function unwrap(inner: string, botUserId: string | undefined): string | undefined {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : inner.slice(bar + 1);
  if (botUserId && target === `@${botUserId}`) return ' ';
  if (target.startsWith('mailto:') && target.length > 'mailto:'.length) return target.slice('mailto:'.length);
  if (CHANNEL.test(inner)) return `#${label}`;
  if (LINK.test(target) && target.replace(LINK, '') !== '') {
    return label === undefined || label === target ? target : `${label} (${target})`;
  }
  // `<http://|x>` has no URL before the bar: the whole inside is what was linked.
  if (LINK.test(inner) && inner.replace(LINK, '') !== '') return inner;
  const broadcast = BROADCAST.exec(inner);
  if (broadcast) return `@${broadcast[1]}`;
  return undefined;
}

export function mentionsUser(text: string | undefined, userId: string | undefined): boolean {
  return Boolean(text && userId && text.includes(`<@${userId}`));
}

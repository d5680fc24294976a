/**
 * Slack message text → the words the engine routes on.
 */
import { mentionsUser, toPlainText } from '../../../src/adapters/slack/slack-text';

describe('toPlainText', () => {
  it('removes the bot mention and unwraps links, e-mails and channels', () => {
    expect(
      toPlainText(
        '<@UBOT1> reset vpn for <mailto:ann@example.com|ann@example.com> in <#C123|it-help>, see <https://x.example/a|the doc> &amp; <https://y.example>',
        'UBOT1',
      ),
    ).toBe(
      'reset vpn for ann@example.com in #it-help, see the doc (https://x.example/a) & https://y.example',
    );
  });

  it('keeps other people mentioned (they can be parameters)', () => {
    expect(toPlainText('<@UBOT1> add <@U0ANN0001> to the group', 'UBOT1')).toBe(
      'add <@U0ANN0001> to the group',
    );
  });

  it('decodes entities once, after unwrapping (typed brackets stay literal text)', () => {
    expect(toPlainText('&lt;@UBOT1&gt; hi', 'UBOT1')).toBe('<@UBOT1> hi');
  });

  it('neutralises broadcast mentions', () => {
    expect(toPlainText('<!channel> restart it')).toBe('@channel restart it');
  });
});

describe('toPlainText on adversarial text', () => {
  // Each of these used to make a `[^>]+`-style pattern rescan the rest of the text from every `<`.
  it.each(['<http://a', '<https://a|b', '<mailto:a', '<@UBOT1|x', '<#C1|x', '<!here|x', '<<>'])(
    'reads 100k characters of %j repeated in well under 200 ms',
    (unit) => {
      const input = unit.repeat(Math.ceil(100_000 / unit.length));
      const started = performance.now();
      const plain = toPlainText(input, 'UBOT1');
      expect(performance.now() - started).toBeLessThan(200);
      expect(plain.length).toBeGreaterThan(0);
    },
  );

  it('still unwraps a token that follows unclosed brackets', () => {
    expect(toPlainText('<http://a <http://a <https://b.example|docs> <mailto:x', 'UBOT1')).toBe(
      '<http://a <http://a docs (https://b.example) <mailto:x',
    );
  });

  it('leaves a link with no address before the bar as written', () => {
    expect(toPlainText('<http://|x> and <https://> and <@UBOT1|flowdesk>', 'UBOT1')).toBe(
      'http://|x and <https://> and',
    );
  });
});

describe('mentionsUser', () => {
  it('finds a mention of the bot', () => {
    expect(mentionsUser('hey <@UBOT1> there', 'UBOT1')).toBe(true);
    expect(mentionsUser('hey <@UBOT2>', 'UBOT1')).toBe(false);
    expect(mentionsUser(undefined, 'UBOT1')).toBe(false);
  });
});

import { webApi } from '@slack/bolt';
import { fileCandidates, uploadResultFiles } from '../../../../src/adapters/slack/artifacts/file-upload';
import type { RunArtifact } from '../../../../src/core/ports';
import { FakeSlackFiles } from '../../../fakes/fake-slack-files';
import { MemoryLogger } from '../../../fakes/silent-logger';

const CHANNEL = 'C0RESULTS1';
const THREAD = '1718000000.000100';

function linkArtifact(key: string, url: string, text?: string): RunArtifact {
  // What prefect's create_link_artifact stores: type "markdown", data "[text](url)".
  return { id: `id-${key}`, key, type: 'markdown', data: `[${text ?? url}](${url})`, description: null };
}

describe('uploadResultFiles (real WebClient against a fake Slack)', () => {
  const fake = new FakeSlackFiles();
  let client: webApi.WebClient;

  beforeAll(async () => {
    const { apiUrl } = await fake.start();
    client = new webApi.WebClient(fake.token, {
      slackApiUrl: apiUrl,
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
  });

  afterAll(() => fake.stop());

  it('downloads the CSV a link artifact points at and uploads it to the thread in three steps', async () => {
    const csv = 'region,revenue\nemea,1200\namer,3400\n';
    const url = fake.serve('q3-revenue.csv', csv, { contentType: 'text/csv' });
    const logger = new MemoryLogger();

    const outcome = await uploadResultFiles({
      client,
      channel: CHANNEL,
      threadTs: THREAD,
      artifacts: [linkArtifact('report-file', url, 'Q3 revenue')],
      allowHttpLocalhost: true,
      logger,
    });

    expect(outcome.notes).toEqual([]);
    expect(outcome.uploaded).toHaveLength(1);
    expect(outcome.uploaded[0]).toMatchObject({ filename: 'q3-revenue.csv', bytes: Buffer.byteLength(csv) });

    const [getUrl] = fake.callsOf('files.getUploadURLExternal');
    expect(getUrl.args).toMatchObject({ filename: 'q3-revenue.csv', length: String(Buffer.byteLength(csv)) });
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0].bytes.toString('utf8')).toBe(csv);

    const [complete] = fake.callsOf('files.completeUploadExternal');
    expect(complete.args.channel_id).toBe(CHANNEL);
    expect(complete.args.thread_ts).toBe(THREAD);
    const files = JSON.parse(complete.args.files) as Array<{ id: string; title: string }>;
    expect(files).toEqual([{ id: fake.uploads[0].fileId, title: 'Q3 revenue' }]);
    expect(outcome.uploaded[0].fileId).toBe(fake.uploads[0].fileId);
  });

  it('uploads binary files byte for byte, several in one completion', async () => {
    fake.calls.length = 0;
    fake.uploads.length = 0;
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x10, 0x80]);
    const pngUrl = fake.serve('chart.png', png, { contentType: 'image/png', chunked: true });
    const jsonUrl = fake.serve('stats.json', '{"rows":3}', { contentType: 'application/json' });

    const outcome = await uploadResultFiles({
      client,
      channel: CHANNEL,
      threadTs: THREAD,
      artifacts: [linkArtifact('chart', pngUrl), linkArtifact('stats', jsonUrl)],
      allowHttpLocalhost: true,
      logger: new MemoryLogger(),
    });

    expect(outcome.uploaded.map((f) => f.filename)).toEqual(['chart.png', 'stats.json']);
    const received = new Map(fake.uploads.map((u) => [u.bytes.length, u.bytes]));
    expect(received.get(png.length)?.equals(png)).toBe(true);
    expect(fake.callsOf('files.getUploadURLExternal')).toHaveLength(2);
    expect(fake.callsOf('files.completeUploadExternal')).toHaveLength(1);
  });

  it('turns an oversized file, a 404 and a Slack refusal into notes, never an exception', async () => {
    fake.calls.length = 0;
    fake.uploads.length = 0;
    const big = fake.serve('huge.csv', Buffer.alloc(5000, 0x61), { contentType: 'text/csv' });
    const streamedBig = fake.serve('stream.txt', Buffer.alloc(5000, 0x62), { chunked: true });
    const missing = `${fake.serve('placeholder.txt', 'x').replace('placeholder.txt', 'gone.pdf')}`;
    const logger = new MemoryLogger();

    const outcome = await uploadResultFiles({
      client,
      channel: CHANNEL,
      threadTs: THREAD,
      artifacts: [
        linkArtifact('big', big),
        linkArtifact('stream', streamedBig),
        linkArtifact('gone', missing),
      ],
      maxBytes: 1000,
      allowHttpLocalhost: true,
      logger,
    });

    expect(outcome.uploaded).toEqual([]);
    expect(outcome.notes).toEqual([
      'huge.csv was not uploaded: it is larger than 1000 bytes.',
      'stream.txt was not uploaded: it is larger than 1000 bytes.',
      'gone.pdf was not uploaded: the download answered HTTP 404.',
    ]);
    expect(fake.callsOf('files.getUploadURLExternal')).toHaveLength(0);

    const ok = fake.serve('fine.txt', 'hello');
    fake.failNext('files.getUploadURLExternal', 'not_allowed_token_type');
    const refused = await uploadResultFiles({
      client,
      channel: CHANNEL,
      threadTs: THREAD,
      artifacts: [linkArtifact('fine', ok)],
      allowHttpLocalhost: true,
      logger,
    });
    expect(refused.uploaded).toEqual([]);
    expect(refused.notes).toEqual(['fine.txt could not be uploaded to Slack.']);
    expect(logger.entries.some((e) => e.level === 'warn' && String(e.msg).includes('files:write'))).toBe(
      true,
    );
  });

  it('never names a signed URL in notes or logs', async () => {
    const logger = new MemoryLogger();
    const signed = fake.serve('secret.csv', 'a', { status: 403 }).concat('?X-Amz-Signature=abcdef123');
    const outcome = await uploadResultFiles({
      client,
      channel: CHANNEL,
      threadTs: THREAD,
      artifacts: [linkArtifact('secret', signed)],
      allowHttpLocalhost: true,
      logger,
    });
    expect(outcome.notes).toEqual(['secret.csv was not uploaded: the download answered HTTP 403.']);
    expect(JSON.stringify(logger.entries)).not.toContain('abcdef123');
  });
});

describe('fileCandidates', () => {
  it('keeps https links to known file types and skips the rest', () => {
    const artifacts: RunArtifact[] = [
      linkArtifact('a', 'https://files.example.com/exports/report%20Q3.pdf'),
      linkArtifact('b', 'https://dashboards.example.com/sales'),
      linkArtifact('c', 'http://files.example.com/data.csv'),
      linkArtifact('d', 'http://127.0.0.1:9/local.csv'),
      { id: 'e', key: 'e', type: 'link', data: 'https://files.example.com/raw.xlsx' },
      { id: 'f', key: 'f', type: 'markdown', data: '# A report\nsee https://x.example.com/a.csv' },
      linkArtifact('g', 'https://files.example.com/exports/report%20Q3.pdf'),
      linkArtifact('h', 'https://user:pw@files.example.com/x.csv'),
    ];
    expect(fileCandidates(artifacts).map((c) => c.filename)).toEqual(['report Q3.pdf', 'raw.xlsx']);
    expect(fileCandidates(artifacts, true).map((c) => c.filename)).toEqual([
      'report Q3.pdf',
      'local.csv',
      'raw.xlsx',
    ]);
  });
});

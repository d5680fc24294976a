import { DEFAULT_LOCAL_THRESHOLD } from '../../../src/core/routing/local-router';
import { buildRoutingIndex, lexicalEvidence, trainingTexts } from '../../../src/core/routing/routing-index';
import type { ProcessDef } from '../../../src/core/types';
import {
  GENERATE_REPORT,
  REFRESH_DASHBOARD,
  RESET_VPN,
  RESTART_SERVICE,
  SERVICE_DESK,
  UNLOCK_ACCOUNT,
} from './service-desk-catalog';

// Phrasings written as users would type them, none of them an example of the catalog.
const IN_SCOPE: Array<[string, string]> = [
  ['reset-vpn', 'the vpn drops every ten minutes'],
  ['reset-vpn', 'working from home and the VPN refuses my login'],
  ['reset-vpn', 'can you regenerate my vpn cert'],
  ['reset-vpn', 'globalprotect says certificate invalid'],
  ['grant-app-access', 'could I have access to figma please'],
  ['grant-app-access', 'add the new analyst to tableau as a viewer'],
  ['grant-app-access', 'I need admin rights in salesforce'],
  ['grant-app-access', 'please invite me to the github organisation'],
  ['restart-service', 'search is returning 500s in prod, restart it please'],
  ['restart-service', 'bounce the auth service in staging'],
  ['restart-service', 'can someone restart orders-api on dev'],
  ['restart-service', 'payments api pods are stuck, rolling restart please'],
  ['provision-laptop', 'we need a laptop for Maria who joins on the 3rd'],
  ['provision-laptop', 'my macbook screen cracked, can I get a replacement laptop'],
  ['provision-laptop', 'set up a new computer for the intern'],
  ['provision-laptop', 'order a thinkpad for our new hire'],
  ['rotate-credential', 'rotate the postgres password for production'],
  ['rotate-credential', 'the sendgrid api key was leaked in a log, roll it'],
  ['rotate-credential', 'regenerate the deploy token'],
  ['rotate-credential', 'someone pasted our aws secret key in slack, rotate it'],
  ['unlock-account', 'locked out of my account again'],
  ['unlock-account', 'my login is locked after too many tries'],
  ['unlock-account', 'please unlock the account for tom@example.com'],
  ['unlock-account', 'I typed the wrong password three times and now it is locked'],
  ['refresh-dashboard', 'the sales dashboard has old numbers'],
  ['refresh-dashboard', 'refresh the marketing dashboard for Q4 2024'],
  ['refresh-dashboard', 'finance dashboard is not updated since friday'],
  ['refresh-dashboard', 'please recompute the ops dashboard'],
  ['generate-report', 'I need the headcount report for Q3 as pdf'],
  ['generate-report', 'create a churn report for september'],
  ['generate-report', 'export the sales report to csv'],
  ['generate-report', 'can you produce the monthly churn report'],
  ['backfill-table', 'backfill the invoices table for last month'],
  ['backfill-table', 'the clicks table has gaps since tuesday, please reload'],
  ['backfill-table', 'reprocess the users table from march 1'],
  ['backfill-table', 'rerun the load for the orders table, yesterday is missing'],
];

const OUT_OF_SCOPE = [
  'what is the weather in lisbon',
  'can you recommend a good restaurant nearby',
  'how many vacation days do I have left',
  'what time is the all hands',
  'the printer on floor 3 is jammed',
  'who won the game last night',
  'translate this sentence into german',
  'good morning!',
  'my chair is broken',
  'how do I submit travel expenses',
  'book me a flight to berlin',
  'what is the parking policy',
];

describe('buildRoutingIndex on a small service-desk map', () => {
  const index = buildRoutingIndex(SERVICE_DESK);

  it('routes realistic phrasings to the right process above the default threshold', () => {
    const wrong = IN_SCOPE.filter(([expected, text]) => {
      const result = index.classify(text, SERVICE_DESK);
      return result.best?.id !== expected || result.confidence < DEFAULT_LOCAL_THRESHOLD;
    });
    expect(wrong.length / IN_SCOPE.length).toBeLessThanOrEqual(0.1);
  });

  it('has the right process in the top 3 for every phrasing', () => {
    for (const [expected, text] of IN_SCOPE) {
      const top3 = index.shortlist(text, SERVICE_DESK, 3).map(({ process }) => process.id);
      expect({ text, top3, has: top3.includes(expected) }).toMatchObject({ has: true });
    }
  });

  it('keeps most unrelated requests below the default threshold', () => {
    const accepted = OUT_OF_SCOPE.filter(
      (text) => index.classify(text, SERVICE_DESK).confidence >= DEFAULT_LOCAL_THRESHOLD,
    );
    expect(accepted.length / OUT_OF_SCOPE.length).toBeLessThanOrEqual(0.25);
  });

  it('tolerates typos through character n-grams', () => {
    expect(index.classify('pls rotaet the databse pasword', SERVICE_DESK).best?.id).toBe('rotate-credential');
    expect(index.classify('my acount is lokced', SERVICE_DESK).best?.id).toBe('unlock-account');
  });

  it('gives no confidence to a message with nothing in common with the map', () => {
    for (const text of ['', '   ', 'hello', '🙂🙂']) {
      expect(index.classify(text, SERVICE_DESK).confidence).toBeLessThan(DEFAULT_LOCAL_THRESHOLD);
    }
  });

  it('returns probabilities, best first', () => {
    const { ranked, confidence } = index.classify('restart search in staging', SERVICE_DESK);
    expect(ranked.map(({ process }) => process.id)).toHaveLength(SERVICE_DESK.length);
    for (let i = 1; i < ranked.length; i += 1)
      expect(ranked[i - 1].score).toBeGreaterThanOrEqual(ranked[i].score);
    const total = ranked.reduce((sum, { score }) => sum + score, 0);
    expect(total).toBeCloseTo(1, 5);
    expect(confidence).toBeGreaterThan(0);
    expect(confidence).toBeLessThanOrEqual(ranked[0].score);
  });
});

describe('candidates', () => {
  const index = buildRoutingIndex(SERVICE_DESK);
  const visible = SERVICE_DESK.filter(
    (process) => process.id !== RESET_VPN.id && process.id !== RESTART_SERVICE.id,
  );

  it('never shortlists or ranks a process outside the candidates', () => {
    for (const text of ['reset my vpn please', 'restart search in prod', 'unlock my account']) {
      const ids = [
        ...index.shortlist(text, visible, 8).map(({ process }) => process.id),
        ...index.classify(text, visible).ranked.map(({ process }) => process.id),
      ];
      expect(ids).not.toContain(RESET_VPN.id);
      expect(ids).not.toContain(RESTART_SERVICE.id);
    }
  });

  it('does not push a request for a hidden process onto a visible one', () => {
    const result = index.classify('my vpn keeps disconnecting, please reset it', visible);
    expect(result.best?.id).not.toBe(RESET_VPN.id);
    expect(result.confidence).toBeLessThan(DEFAULT_LOCAL_THRESHOLD);
  });

  it('returns the caller’s process objects, at most k of them, and nothing for no candidates', () => {
    const reloaded = visible.map((process) => ({ ...process }));
    const shortlist = index.shortlist('unlock my account', reloaded, 2);
    expect(shortlist).toHaveLength(2);
    expect(reloaded).toContain(shortlist[0].process);
    expect(shortlist[0].process.id).toBe(UNLOCK_ACCOUNT.id);
    expect(index.shortlist('unlock my account', [], 8)).toEqual([]);
    expect(index.shortlist('unlock my account', visible, 0)).toEqual([]);
    expect(index.classify('unlock my account', [])).toEqual({ best: null, confidence: 0, ranked: [] });
  });

  it('ignores candidates the index was not built with', () => {
    const stranger: ProcessDef = { ...UNLOCK_ACCOUNT, id: 'not-indexed' };
    expect(index.classify('unlock my account', [stranger])).toEqual({
      best: null,
      confidence: 0,
      ranked: [],
    });
  });
});

describe('building', () => {
  it('is deterministic: two builds give the same scores', () => {
    const a = buildRoutingIndex(SERVICE_DESK).shortlist('refresh the sales dashboard', SERVICE_DESK, 9);
    const b = buildRoutingIndex(SERVICE_DESK).shortlist('refresh the sales dashboard', SERVICE_DESK, 9);
    expect(a.map(({ process, score }) => [process.id, score])).toEqual(
      b.map(({ process, score }) => [process.id, score]),
    );
  });

  it('is instant for a real-sized map', () => {
    const started = Date.now();
    buildRoutingIndex(SERVICE_DESK);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('handles an empty catalog and drops duplicate ids', () => {
    const empty = buildRoutingIndex([]);
    expect(empty.classify('anything', SERVICE_DESK)).toEqual({ best: null, confidence: 0, ranked: [] });
    const twice = buildRoutingIndex([REFRESH_DASHBOARD, { ...REFRESH_DASHBOARD }, GENERATE_REPORT]);
    expect(twice.processes.map(({ id }) => id)).toEqual(['refresh-dashboard', 'generate-report']);
  });

  it('learns from titles, descriptions, examples and aliases (placeholders as words)', () => {
    expect(trainingTexts(RESET_VPN)).toEqual(
      expect.arrayContaining([
        'Reset VPN profile',
        RESET_VPN.description,
        'my vpn keeps disconnecting',
        'reset vpn for  user_email ',
      ]),
    );
    // A process with only a title and a description can still be found.
    const minimal: ProcessDef = {
      ...GENERATE_REPORT,
      id: 'purge-cache',
      title: 'Purge CDN cache',
      description: 'Invalidate the CDN cache for a site.',
      examples: [],
      aliases: [],
    };
    const index = buildRoutingIndex([...SERVICE_DESK, minimal]);
    expect(index.classify('please purge the cdn cache', [...SERVICE_DESK, minimal]).best?.id).toBe(
      'purge-cache',
    );
  });
});

describe('lexicalEvidence', () => {
  it('saturates at 1 and is 0 without any overlap', () => {
    expect(lexicalEvidence(0, 0)).toBe(0);
    expect(lexicalEvidence(0.9, 0)).toBe(1);
    expect(lexicalEvidence(0, 0.9)).toBe(1);
    expect(lexicalEvidence(0.1, 0.1)).toBeGreaterThan(0);
    expect(lexicalEvidence(0.1, 0.1)).toBeLessThan(1);
  });
});

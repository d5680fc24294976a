/** Builds an engine over fakes and a memory store, with a small catalog of test processes. */
import { createMemoryStore } from '../../../src/adapters/store/memory-store';
import { createEngine, type EngineDeps, type FlowdeskEngine } from '../../../src/core/engine/create-engine';
import type { MessageInput } from '../../../src/core/engine-api';
import type { Router, RoutingDecision, Store } from '../../../src/core/ports';
import type { ProcessCatalog, ProcessDef, Requester, ThreadRef } from '../../../src/core/types';
import { FakeDirectory } from '../../fakes/fake-directory';
import { FakePrefectPort } from '../../fakes/fake-prefect-port';
import { FixedClock } from '../../fakes/fixed-clock';
import { RecordingAudit } from '../../fakes/recording-audit';
import { RecordingNotifier } from '../../fakes/recording-notifier';
import { ScriptedRouter } from '../../fakes/scripted-router';
import { SequentialIds } from '../../fakes/sequential-ids';
import { MemoryLogger } from '../../fakes/silent-logger';

export function buildProcess(overrides: Partial<ProcessDef> & { id: string }): ProcessDef {
  return {
    title: `Process ${overrides.id}`,
    description: `Does ${overrides.id}`,
    deployment: `${overrides.id}/production`,
    examples: [`please ${overrides.id}`],
    aliases: [],
    parameters: {},
    required: [],
    confirm: true,
    tags: [],
    source: { file: 'test.yaml', line: 1 },
    ...overrides,
  };
}

export const RESET_VPN = buildProcess({
  id: 'reset-vpn',
  title: 'Reset VPN profile',
  deployment: 'reset-vpn/production',
  examples: ['my vpn keeps disconnecting'],
  aliases: ['reset vpn for {user_email}'],
  parameters: {
    user_email: {
      description: 'Email of the person whose VPN profile is reset',
      default: '{{requester.email}}',
    },
  },
  tags: ['it', 'service-desk'],
});

export const RESTART_SERVICE = buildProcess({
  id: 'restart-service',
  title: 'Restart a service',
  deployment: 'restart-service/production',
});

export const RESTART_SCHEMA = {
  title: 'Parameters',
  type: 'object',
  properties: {
    service: { title: 'service', position: 0, $ref: '#/definitions/Service' },
    environment: { title: 'environment', position: 1, type: 'string', enum: ['staging', 'production'] },
    replicas: { title: 'replicas', position: 2, type: 'integer', minimum: 1, default: 1 },
  },
  required: ['service', 'environment'],
  definitions: { Service: { title: 'Service', type: 'string', enum: ['payments-api', 'search-api'] } },
};

export const VPN_SCHEMA = {
  title: 'Parameters',
  type: 'object',
  properties: { user_email: { title: 'user_email', position: 0, type: 'string', format: 'email' } },
  required: ['user_email'],
};

export const USERS = {
  ann: { id: 'U0ANN', name: 'Ann', email: 'ann@example.com', tz: 'Europe/Paris' } as Requester,
  bob: { id: 'U0BOB', name: 'Bob', email: 'bob@example.com', tz: 'Europe/Paris' } as Requester,
  lead1: { id: 'U0LEAD1', name: 'Lea', tz: 'UTC' } as Requester,
  lead2: { id: 'U0LEAD2', name: 'Leo', tz: 'UTC' } as Requester,
  admin: { id: 'U0ADMIN', name: 'Ada', tz: 'UTC' } as Requester,
  noEmail: { id: 'U0NOMAIL', name: 'Nomail', tz: 'UTC' } as Requester,
};

export const THREAD: ThreadRef = { channel: 'C0GENERAL', threadTs: '1718200000.000100', isDm: false };

export function catalogOf(processes: ProcessDef[]): { current(): ProcessCatalog } {
  const catalog: ProcessCatalog = { processes, byId: new Map(processes.map((p) => [p.id, p])), files: [] };
  return { current: () => catalog };
}

export function runDecision(
  processId: string,
  parameters: Record<string, unknown> = {},
  extra: Partial<RoutingDecision> = {},
): RoutingDecision {
  return { kind: 'run', processId, parameters, via: 'local', ...extra } as RoutingDecision;
}

export interface Harness {
  engine: FlowdeskEngine;
  store: Store;
  prefect: FakePrefectPort;
  notifier: RecordingNotifier;
  audit: RecordingAudit;
  clock: FixedClock;
  router: ScriptedRouter;
  directory: FakeDirectory;
  logger: MemoryLogger;
  say(text: string, requester?: Requester, thread?: ThreadRef): ReturnType<FlowdeskEngine['handleMessage']>;
}

export function createHarness(
  options: {
    processes?: ProcessDef[];
    dryRun?: boolean;
    route?: (input: Parameters<Router['route']>[0]) => RoutingDecision;
    deps?: Partial<EngineDeps>;
  } = {},
): Harness {
  const clock = new FixedClock();
  const store = createMemoryStore({ clock });
  const prefect = new FakePrefectPort(clock);
  prefect.addDeployment('reset-vpn/production', VPN_SCHEMA);
  prefect.addDeployment('restart-service/production', RESTART_SCHEMA);
  const notifier = new RecordingNotifier();
  const audit = new RecordingAudit();
  const directory = new FakeDirectory();
  const logger = new MemoryLogger();
  const router = new ScriptedRouter(
    options.route ?? (() => ({ kind: 'out_of_scope', suggestions: [], via: 'local' })),
  );
  const processes = options.processes ?? [RESET_VPN, RESTART_SERVICE];
  for (const process of processes) {
    if (!prefect.deployments.has(process.deployment)) prefect.addDeployment(process.deployment, null);
  }
  const engine = createEngine({
    catalog: catalogOf(processes),
    store,
    prefect: options.dryRun ? null : prefect,
    router,
    directory,
    notifier,
    audit,
    clock,
    ids: new SequentialIds(),
    logger,
    admins: [USERS.admin.id],
    ...options.deps,
  });
  const say = (text: string, requester: Requester = USERS.ann, thread: ThreadRef = THREAD) =>
    engine.handleMessage({ requester, thread, text } satisfies MessageInput);
  return { engine, store, prefect, notifier, audit, clock, router, directory, logger, say };
}

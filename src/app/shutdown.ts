/**
 * Graceful shutdown as ordered stages, each bounded: a stage's tasks run together and the next
 * stage starts when they are all done or the stage's time is up (a stuck task is reported and
 * left behind, never waited for forever). Failures are logged, not thrown: the rest still runs.
 */
import type { Logger } from '../core/ports';

export interface ShutdownTask {
  name: string;
  /** Resolving `false` means "gave up before finishing" (reported as timed out). */
  run(): Promise<unknown>;
}

export interface ShutdownStage {
  name: string;
  timeoutMs: number;
  tasks: ShutdownTask[];
}

export interface TaskReport {
  stage: string;
  task: string;
  outcome: 'done' | 'timed_out' | 'failed';
  ms: number;
}

export async function runShutdown(stages: ShutdownStage[], logger: Logger): Promise<TaskReport[]> {
  const reports: TaskReport[] = [];
  for (const stage of stages) {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timed_out'>((resolve) => {
      timer = setTimeout(() => resolve('timed_out'), stage.timeoutMs);
    });
    const outcomes = stage.tasks.map(async (task): Promise<TaskReport> => {
      const outcome = await Promise.race([settle(task, logger, stage.name), deadline]);
      return { stage: stage.name, task: task.name, outcome, ms: Date.now() - started };
    });
    reports.push(...(await Promise.all(outcomes)));
    clearTimeout(timer);
  }
  for (const report of reports.filter((r) => r.outcome === 'timed_out')) {
    logger.warn(report, `shutdown: ${report.task} did not finish in time; going on without it`);
  }
  return reports;
}

async function settle(task: ShutdownTask, logger: Logger, stage: string): Promise<TaskReport['outcome']> {
  try {
    return (await task.run()) === false ? 'timed_out' : 'done';
  } catch (error) {
    logger.warn({ stage, task: task.name, err: (error as Error).message }, `shutdown: ${task.name} failed`);
    return 'failed';
  }
}

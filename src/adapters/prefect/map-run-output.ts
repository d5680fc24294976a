import type { RunArtifact, RunLogLine } from '../../core/ports';
import type { PrefectSchemas } from './prefect-schemas';

export function toRunLogLine(log: PrefectSchemas['Log']): RunLogLine {
  return { timestamp: log.timestamp, level: log.level, message: log.message };
}

export function toRunArtifact(artifact: PrefectSchemas['Artifact']): RunArtifact {
  const result: RunArtifact = {
    id: artifact.id ?? '',
    key: artifact.key ?? null,
    type: artifact.type ?? 'unknown',
    description: artifact.description ?? null,
    data: artifact.data ?? null,
  };
  if (artifact.created) result.created = artifact.created;
  return result;
}

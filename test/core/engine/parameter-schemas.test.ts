import {
  createParameterSchemas,
  PREFECT_DOWN_NOTICE,
  PREFECT_DOWN_RECHECK_MS,
} from '../../../src/core/engine/parameter-schemas';
import { FakePrefectPort } from '../../fakes/fake-prefect-port';
import { FixedClock } from '../../fakes/fixed-clock';
import { MemoryLogger } from '../../fakes/silent-logger';
import { buildProcess } from './engine-harness';

function setUp() {
  const clock = new FixedClock();
  const prefect = new FakePrefectPort(clock);
  prefect.addDeployment('refresh/production', {
    type: 'object',
    properties: { quarter: { type: 'string', enum: ['Q1', 'Q2'] } },
    required: ['quarter'],
  });
  let asked = 0;
  const counting = Object.assign(Object.create(prefect) as FakePrefectPort, {
    getDeployment: (ref: string) => {
      asked += 1;
      return prefect.getDeployment(ref);
    },
  });
  const schemas = createParameterSchemas({
    prefect: counting,
    logger: new MemoryLogger(),
    now: () => clock.now().getTime(),
  });
  return { clock, prefect, schemas, asked: () => asked, process: buildProcess({ id: 'refresh' }) };
}

describe('parameter schemas while Prefect is down', () => {
  it('uses the map alone without asking Prefect again for a while, then asks again by itself', async () => {
    const { clock, prefect, schemas, asked, process } = setUp();
    prefect.unavailable = true;
    expect((await schemas.forProcess(process)).notice).toBe(PREFECT_DOWN_NOTICE);
    expect(asked()).toBe(1);

    // Same message, or the next ones soon after: no second wait on Prefect's retries.
    clock.advance(PREFECT_DOWN_RECHECK_MS - 1);
    prefect.unavailable = false;
    const again = await schemas.forProcess(process);
    expect(again).toMatchObject({ deployment: null, notice: PREFECT_DOWN_NOTICE });
    expect(asked()).toBe(1);

    clock.advance(1);
    const back = await schemas.forProcess(process);
    expect(back.notice).toBeUndefined();
    expect(back.deployment?.id).toBe('dep-refresh-production');
    expect(asked()).toBe(2);
  });

  it('asks Prefect every time while it answers', async () => {
    const { schemas, asked, process } = setUp();
    await schemas.forProcess(process);
    await schemas.forProcess(process);
    expect(asked()).toBe(2);
  });
});

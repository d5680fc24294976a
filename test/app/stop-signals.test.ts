import { EventEmitter } from 'node:events';
import { listenForStop } from '../../src/app/stop-signals';

describe('listenForStop', () => {
  it('the first signal asks for a stop; a second forces the exit with 128 + its number', async () => {
    const source = new EventEmitter();
    const forced: Array<[number, string]> = [];
    const signals = listenForStop(source, (code, signal) => forced.push([code, signal]));
    source.emit('SIGTERM');
    await expect(signals.stopped).resolves.toBe('SIGTERM');
    expect(forced).toEqual([]);
    source.emit('SIGINT');
    expect(forced).toEqual([[130, 'SIGINT']]);
    source.emit('SIGTERM');
    expect(forced.at(-1)).toEqual([143, 'SIGTERM']);
  });

  it('dispose removes its handlers', () => {
    const source = new EventEmitter();
    const signals = listenForStop(source, () => undefined);
    expect(source.listenerCount('SIGTERM')).toBe(1);
    signals.dispose();
    expect(source.listenerCount('SIGTERM') + source.listenerCount('SIGINT')).toBe(0);
  });
});

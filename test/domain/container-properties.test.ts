import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError } from '../../src/domain/errors.js';
import { applyContainerOverrides, type ContainerProperties, reservationOf } from '../../src/domain/resources/container-properties.js';
import { mergeParameters, substituteParameters } from '../../src/domain/resources/parameters.js';

const base: ContainerProperties = {
  image: 'localhost/busybox:latest',
  command: ['run', 'Ref::input'],
  environment: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
  resourceRequirements: [{ type: 'VCPU', value: '2' }, { type: 'MEMORY', value: '1024' }],
  other: {},
};

test('Ref:: substitution: submit parameters win, longest name first, unknown placeholders stay', () => {
  const params = mergeParameters({ in: 'def', input: 'x.mp4' }, { in: 'sub' });
  assert.deepEqual(params, { in: 'sub', input: 'x.mp4' });
  assert.deepEqual(substituteParameters(['-i', 'Ref::input', '--in=Ref::in', 'Ref::missing'], params), ['-i', 'x.mp4', '--in=sub', 'Ref::missing']);
  assert.deepEqual(substituteParameters(['Ref::a'], {}), ['Ref::a']);
});

test('overrides: command replaces, environment merges by name, requirements replace per type', () => {
  const out = applyContainerOverrides(base, {
    command: ['other'],
    environment: [{ name: 'B', value: 'override' }, { name: 'C', value: '3' }],
    resourceRequirements: [{ type: 'MEMORY', value: '2048' }],
  });
  assert.deepEqual(out.command, ['other']);
  assert.deepEqual(out.environment, [{ name: 'A', value: '1' }, { name: 'B', value: 'override' }, { name: 'C', value: '3' }]);
  assert.deepEqual(reservationOf(out), { vcpus: 2, memoryMiB: 2048, gpus: 0 });
  assert.deepEqual(base.command, ['run', 'Ref::input'], 'the definition is not mutated');
});

test('legacy vcpus/memory overrides only apply to legacy definitions', () => {
  assert.throws(() => applyContainerOverrides(base, { vcpus: 4 }), (e: unknown) => e instanceof InvalidInputError && /deprecated key/.test(e.message));
  const legacy: ContainerProperties = { image: 'localhost/busybox:latest', vcpus: 1, memory: 128, other: {} };
  assert.deepEqual(reservationOf(applyContainerOverrides(legacy, { vcpus: 4, memory: 256 })), { vcpus: 4, memoryMiB: 256, gpus: 0 });
  const viaRequirements = applyContainerOverrides(legacy, { resourceRequirements: [{ type: 'VCPU', value: '8' }] });
  assert.equal(viaRequirements.vcpus, undefined);
  assert.deepEqual(reservationOf(viaRequirements), { vcpus: 8, memoryMiB: 128, gpus: 0 });
});

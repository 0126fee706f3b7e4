import { describe, expect, it } from 'vitest';

// The two package entries: adding or removing an export is a decision, so it shows up here.
describe('public surface', () => {
  it('locks the export list of on-device-personalizer/core (src/core/index.ts)', async () => {
    const mod = await import('../../src/core/index');
    expect(Object.keys(mod).sort()).toEqual([
      'BlockedError',
      'ConsentError',
      'ERROR_NAMES',
      'EVENT_TYPES',
      'ErasedError',
      'InputError',
      'InvalidCentroidsError',
      'InvalidDeclaredError',
      'InvalidEventError',
      'InvalidExampleError',
      'InvalidModelError',
      'InvalidPriorError',
      'InvalidProfileError',
      'InvalidQuestionError',
      'ModelStateError',
      'PzError',
      'SqlParameterError',
      'SqlRunError',
      'StorageUnavailableError',
      'UsageError',
      'createRng',
      'describeError',
      'gaussian',
      'serverOrder',
    ]);
  });

  it('locks the export list of on-device-personalizer (src/client/index.ts)', async () => {
    const mod = await import('../../src/client/index');
    expect(Object.keys(mod).sort()).toEqual([
      'PzPrivacyPanel',
      'PzRecommendations',
      'VERSION',
      'createPersonalizer',
      'registerElements',
    ]);
  });
});

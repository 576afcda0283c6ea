import { describeBaselineMissing, describeStoredInputDiffers } from './notices.js'

describe('describeBaselineMissing', () => {
  it.each([
    [
      { why: 'no-shared-history', baseRef: 'origin/main' } as const,
      'No baseline: HEAD and origin/main share no history (a first commit or unrelated branches). The verdict rests on the absolute limits alone.'
    ],
    [
      { why: 'no-folder', baseRef: 'origin/main', commit: 'b'.repeat(40), folder: 'svc' } as const,
      `No baseline: the merge-base ${'b'.repeat(12)} of HEAD and origin/main has no svc folder. The verdict rests on the absolute limits alone.`
    ],
    [
      {
        why: 'base-failed',
        commit: 'b'.repeat(40),
        error: 'the service exited with code 2 during the run'
      } as const,
      `No baseline: the merge-base ${'b'.repeat(12)} could not be measured: the service exited with code 2 during the run. The verdict rests on the absolute limits alone.`
    ]
  ])('says why first: %o', (missing, text) => {
    expect(describeBaselineMissing(missing)).toBe(text)
  })
})

describe('describeStoredInputDiffers', () => {
  it('names the input, both values and what it means', () => {
    expect(describeStoredInputDiffers({ path: 'base.json', input: 'rate', then: '200', now: '100' })).toBe(
      'the baseline base.json was measured with rate "200", this run with "100": part of the difference may come from that alone'
    )
  })
})

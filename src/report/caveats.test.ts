import { CAVEAT_PRIORITY, placeCaveats } from './caveats.js'

const { verdict, reach, method } = CAVEAT_PRIORITY

describe('placeCaveats', () => {
  it('puts the two that matter most on the first screen, and folds the rest in their order', () => {
    const placed = placeCaveats([
      { text: 'how it was measured', priority: method },
      { text: 'what it could see', priority: reach },
      { text: 'what else it could see', priority: reach },
      { text: 'what the verdict means', priority: verdict }
    ])
    expect(placed).toEqual({
      firstScreen: ['what the verdict means', 'what it could see'],
      folded: ['how it was measured', 'what else it could see']
    })
  })

  it('never shows how a run was measured on the first screen', () => {
    expect(placeCaveats([{ text: 'how it was measured', priority: method }])).toEqual({
      firstScreen: [],
      folded: ['how it was measured']
    })
  })
})

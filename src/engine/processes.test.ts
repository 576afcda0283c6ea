import { assertSupportedPlatform, spawnGroup, stopGroup } from './processes.js'

describe('process groups', () => {
  it('ends the whole group, children the leader started included', async () => {
    // The leader starts a grandchild that ignores SIGTERM: only the group SIGKILL ends it.
    const child = spawnGroup('sh', ['-c', 'sh -c \'trap "" TERM; sleep 30\' & sleep 30'], { stdio: 'ignore' })
    const pgid = child.pid!
    await new Promise((r) => setTimeout(r, 200))
    expect(() => process.kill(-pgid, 0)).not.toThrow()
    await stopGroup(child, 300)
    expect(() => process.kill(-pgid, 0)).toThrow(/ESRCH/)
  })

  it('refuses Windows with a one-line reason', () => {
    expect(() => assertSupportedPlatform('win32')).toThrow(
      'go-memgate runs on Linux and macOS runners; Windows is not supported (use runs-on: ubuntu-latest)'
    )
    expect(() => assertSupportedPlatform('linux')).not.toThrow()
  })
})

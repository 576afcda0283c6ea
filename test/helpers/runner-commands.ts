// The job log as the runner reads it.

/**
 * The runner's rule (actions/runner ActionCommandManager.TryProcessCommand): each line that
 * parses as `::cmd …::data` (at its start) or `##[cmd …]data` (anywhere) is a command; after
 * `stop-commands` only the command named by its token is heard, and it resumes processing.
 * Returns the commands the runner would execute.
 */
export function executedCommands(log: string): string[] {
  const executed: string[] = []
  let stopToken: string | null = null
  for (const line of log.split(/\r\n|\r|\n/)) {
    const m = /^\s*::([^\s:]+)[^:]*::(.*)$/.exec(line) ?? /##\[([^\s\]]+)[^\]]*\](.*)$/.exec(line)
    if (!m) continue
    const [, command, data] = m
    if (stopToken !== null) {
      if (command.toLowerCase() === stopToken.toLowerCase()) stopToken = null
    } else if (command === 'stop-commands') stopToken = data
    else executed.push(command)
  }
  return executed
}

// The variables a runner sets for a step of a pull_request workflow in octo/service.

export interface RunnerFiles {
  event: string
  output: string
  summary: string
}

export function runnerEnv(options: {
  apiUrl: string
  files: RunnerFiles
  runnerTemp: string
  runId: string
}): Record<string, string> {
  return {
    GITHUB_API_URL: options.apiUrl,
    GITHUB_REPOSITORY: 'octo/service',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: options.files.event,
    GITHUB_OUTPUT: options.files.output,
    GITHUB_STEP_SUMMARY: options.files.summary,
    GITHUB_RUN_ID: options.runId,
    RUNNER_TEMP: options.runnerTemp
  }
}

// One Octokit for every GitHub call: retries server errors, waits out rate limits.
import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'

export type GitHubClient = ReturnType<typeof getOctokit>

/** Retries after a rate limit, at most this many times, so a job never waits forever. */
const RATE_LIMIT_RETRIES = 2

export function createOctokit(token: string): GitHubClient {
  return getOctokit(
    token,
    {
      // Read now, not at import: @actions/github fixes its default when first loaded.
      baseUrl: process.env['GITHUB_API_URL'] || 'https://api.github.com',
      throttle: {
        onRateLimit: (retryAfter, options, _octokit, retryCount) => {
          core.warning(`GitHub rate limit on ${options.method} ${options.url}; retrying in ${retryAfter}s`)
          return retryCount < RATE_LIMIT_RETRIES
        },
        onSecondaryRateLimit: (retryAfter, options, _octokit, retryCount) => {
          core.warning(
            `GitHub secondary rate limit on ${options.method} ${options.url}; retrying in ${retryAfter}s`
          )
          return retryCount < RATE_LIMIT_RETRIES
        }
      }
    },
    retry,
    throttling
  )
}

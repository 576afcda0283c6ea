// The action's only reader of inputs: every input once, then the CLI's parser.
import * as core from '@actions/core'
import { parseConfig, type Config, type RawInputs } from '../config.js'
import { INPUTS } from '../inputs.js'

/** Every input of the action by name, as the runner passed it ('' when unset). */
export function readRawInputs(): RawInputs {
  const raw: RawInputs = {}
  for (const input of INPUTS) raw[input.name] = core.getInput(input.name)
  return raw
}

/** The action's Config; throws ConfigError with a one-line reason. */
export function getConfig(raw: RawInputs = readRawInputs()): Config {
  // The runner sets GITHUB_BASE_REF on pull_request events only: the branch the PR merges into.
  const baseRef = process.env['GITHUB_BASE_REF']
  return parseConfig(raw, baseRef ? { pullRequestBaseRef: baseRef } : {})
}

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
  return parseConfig(raw)
}

// The output folder (report.json, report.md, raw profiles) as the artifact `memgate-<name>`.
import * as core from '@actions/core'
import { DefaultArtifactClient } from '@actions/artifact'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

export function artifactName(name: string): string {
  return `memgate-${name}`
}

/** Uploads every file below outDir; returns the artifact id, or null when skipped. */
export async function uploadOutput(outDir: string, name: string, enabled: boolean): Promise<number | null> {
  if (!enabled) {
    core.info('upload-artifact is false: no artifact')
    return null
  }
  // Only a runner gives a step this token; a local run (act, a shell) has none.
  if (!process.env['ACTIONS_RUNTIME_TOKEN']) {
    core.info(
      `No ACTIONS_RUNTIME_TOKEN (not on a GitHub runner): artifact skipped, the files stay in ${outDir}`
    )
    return null
  }
  const files = listFiles(outDir)
  const { id, size } = await new DefaultArtifactClient().uploadArtifact(artifactName(name), files, outDir)
  core.info(`Uploaded artifact ${artifactName(name)}: ${files.length} files, ${size ?? '?'} bytes`)
  return id ?? null
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
}

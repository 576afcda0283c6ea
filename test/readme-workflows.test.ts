// The README's workflows are what users copy: each must parse, give the action only inputs
// it takes with values it accepts, and keep gates of one repository apart.
import { parseConfig } from '../src/config.js'
import { artifactName } from '../src/github/artifact.js'
import { inputsFor, isGate, readmeWorkflows, type Job, type Workflow } from './helpers/readme-workflows.js'

const workflows = readmeWorkflows()
const byTitle = (start: string): Workflow => workflows.find((w) => w.title.startsWith(start))!

/** Each matrix job's variables; one empty job without a matrix. */
function matrixJobs(job: Job): Record<string, string>[] {
  const matrix = job.strategy?.matrix ?? {}
  return Object.entries(matrix).reduce<Record<string, string>[]>(
    (jobs, [key, values]) => jobs.flatMap((vars) => values.map((v) => ({ ...vars, [key]: String(v) }))),
    [{}]
  )
}

const gateSteps = (workflow: Workflow) =>
  Object.values(workflow.jobs).flatMap((job) =>
    job.steps
      .filter(isGate)
      .flatMap((step) => matrixJobs(job).map((vars) => ({ job, inputs: inputsFor(step, vars) })))
  )

describe("the README's workflows", () => {
  it('are found: the first one, the fork pair, a service in a subfolder, the matrix', () => {
    expect(workflows.map((w) => w.title)).toEqual([
      '',
      ".github/workflows/memory.yml: runs the fork's code, read-only",
      ".github/workflows/memory-comment.yml: trusted, never runs the fork's code",
      '.github/workflows/memory-api.yml: the service in services/api',
      '.github/workflows/memory.yml: services/api, services/billing and services/orders'
    ])
  })

  it('give go-memgate only inputs it takes, with values it accepts', () => {
    for (const workflow of workflows)
      for (const { inputs } of gateSteps(workflow)) expect(() => parseConfig(inputs)).not.toThrow()
  })

  it("read the Go version from the gate's own go.mod, in a subfolder too", () => {
    for (const workflow of workflows)
      for (const { job, inputs } of gateSteps(workflow)) {
        if (inputs['mode'] === 'comment') continue
        const setupGo = job.steps.find((s) => s.uses?.startsWith('actions/setup-go@'))
        const folder = inputs['working-directory']
        const goMod = String(setupGo?.with?.['go-version-file'])
        expect(goMod.replace('${{ matrix.service }}', inputs['name'])).toBe(
          folder ? `${folder}/go.mod` : 'go.mod'
        )
      }
  })

  // Issue 22, item 7: `memgate-<PR>` was one group for every gate of a repository: each cancelled the other.
  it('that comment run one at a time per PR, in a group of their workflow and gate that no other gate shares', () => {
    const onPullRequest = (w: Workflow) =>
      w.on === 'pull_request' || (typeof w.on === 'object' && w.on !== null && 'pull_request' in w.on)
    const commenting = workflows.filter(
      (w) => onPullRequest(w) && gateSteps(w).some(({ inputs }) => inputs['mode'] !== 'analyze')
    )
    expect(commenting.map((w) => w.title)).toEqual([
      workflows[0].title,
      workflows[3].title,
      workflows[4].title
    ])
    const groups = commenting.map((w) => {
      const group = w.concurrency?.group ?? ''
      expect(group).toContain('${{ github.workflow }}')
      for (const { inputs } of gateSteps(w))
        if (inputs['mode'] !== 'analyze') expect(group).toContain(`-${inputs['name'] ?? 'memgate'}-`)
      return `${w.name}/${group}`
    })
    expect(new Set(groups).size).toBe(groups.length)
  })

  it("post one comment for a matrix of services: each job's report.json, listed by the artifact it is in", () => {
    const workflow = byTitle('.github/workflows/memory.yml: services/')
    const [measureName, measure] = Object.entries(workflow.jobs).find(([, job]) => job.strategy?.matrix)!
    expect(measure.strategy?.['fail-fast']).toBe(false)
    const services = matrixJobs(measure).map((vars) => vars['service'])
    expect(services).toHaveLength(3)
    for (const { inputs } of gateSteps(workflow).filter(({ job }) => job === measure))
      expect(inputs).toMatchObject({ mode: 'analyze', 'working-directory': `services/${inputs['name']}` })

    const comment = Object.values(workflow.jobs).find((job) => job.needs === measureName)!
    expect(comment.if).toContain('!cancelled()')
    expect(comment.permissions).toEqual({ 'pull-requests': 'write' })
    const download = comment.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!
    expect(download.with?.['pattern']).toBe(`${artifactName('')}*`)
    const reportJson = inputsFor(comment.steps.find(isGate)!)['report-json'].trim().split('\n')
    expect(reportJson).toEqual(
      services.map((s) => `${download.with?.['path']}/${artifactName(s)}/report.json`)
    )
  })
})

// Decodes a gzipped pprof profile into the plain structure of profile.ts.
import { gunzipSync } from 'node:zlib'
import { Profile as PprofProfile } from 'pprof-format'
import { GateError } from '../errors.js'
import { formatBytes } from '../units.js'
import type { Frame, Profile, Sample, ValueType } from './profile.js'

/** The most a profile may decompress to: a gzip bomb stops here instead of filling memory. */
const MAX_DECODED_PROFILE_BYTES = 512 * 1024 * 1024

/** A profile over a size cap, read or decoded; not worth a retry. */
export class ProfileTooLargeError extends GateError {}

type Numeric = number | bigint

/**
 * pprof-format returns values above 2^28 as bigint and negative int64 as large
 * unsigned bigints; both fit a double for the magnitudes a profile holds.
 */
export function toNumber(v: Numeric): number {
  return typeof v === 'number' ? v : Number(BigInt.asIntN(64, v))
}

export function decodeProfile(gz: Buffer, maxDecodedBytes = MAX_DECODED_PROFILE_BYTES): Profile {
  const raw = decodeProtobuf(gunzipCapped(gz, maxDecodedBytes))
  const strings = raw.stringTable.strings
  const str = (i: Numeric): string => strings[toNumber(i)] ?? ''
  const valueType = (t: { type: Numeric; unit: Numeric }): ValueType => ({
    type: str(t.type),
    unit: str(t.unit)
  })

  const functions = new Map<number, { name: string; file: string }>()
  for (const f of raw.function) functions.set(toNumber(f.id), { name: str(f.name), file: str(f.filename) })

  // Frames are shared between the samples of a location: a profile repeats locations a lot.
  const locations = new Map<number, Frame[]>()
  for (const loc of raw.location) {
    const frames = loc.line.map((l): Frame => {
      const fn = functions.get(toNumber(l.functionId))
      return { function: fn?.name ?? '?', file: fn?.file ?? '', line: toNumber(l.line) }
    })
    if (frames.length === 0)
      frames.push({ function: `0x${toNumber(loc.address).toString(16)}`, file: '', line: 0 })
    locations.set(toNumber(loc.id), frames)
  }

  const samples = raw.sample.map((s): Sample => {
    // locationId[0] is the leaf; within a location, line[0] is the innermost inlined call.
    const stack = s.locationId.flatMap((id) => locations.get(toNumber(id)) ?? [])
    const numLabels: Record<string, number> = {}
    for (const l of s.label) if (toNumber(l.str) === 0) numLabels[str(l.key)] = toNumber(l.num)
    return { values: s.value.map(toNumber), stack, numLabels }
  })

  return {
    sampleTypes: raw.sampleType.map(valueType),
    samples,
    periodType: raw.periodType ? valueType(raw.periodType) : undefined,
    period: toNumber(raw.period),
    timeNanos: toNumber(raw.timeNanos)
  }
}

/** What the endpoint sent is not a profile: said in the words of the decoder, as a GateError. */
function decodeProtobuf(bytes: Buffer): PprofProfile {
  try {
    return PprofProfile.decode(bytes)
  } catch (e) {
    throw new GateError(`not a pprof profile: ${(e as Error).message}`)
  }
}

function gunzipCapped(gz: Buffer, maxBytes: number): Buffer {
  try {
    return gunzipSync(gz, { maxOutputLength: maxBytes })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE')
      throw new GateError(`not a gzipped pprof profile: ${(e as Error).message}`)
    throw new ProfileTooLargeError(
      `a profile decompresses to more than ${formatBytes(maxBytes)}, the most memgate decodes; raise max-profile-size if the service's profiles are this large`
    )
  }
}

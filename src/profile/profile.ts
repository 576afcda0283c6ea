// The decoded form of a pprof profile: plain data, strings resolved, numbers normalised.

/** One function call in a stack, as the profile names it. */
export interface Frame {
  function: string
  /** As in the profile: an absolute build path, or a module path under -trimpath. */
  file: string
  line: number
}

export interface ValueType {
  type: string
  unit: string
}

export interface Sample {
  /** One value per sample type, in the profile's order. */
  values: number[]
  /** Innermost first, inlined calls expanded. */
  stack: Frame[]
  /** Numeric labels, e.g. heap profiles' "bytes" (the object size of the sample). */
  numLabels: Record<string, number>
}

export interface Profile {
  sampleTypes: ValueType[]
  samples: Sample[]
  periodType?: ValueType
  /** Heap profiles: the sampling rate in bytes (runtime.MemProfileRate). */
  period: number
  timeNanos: number
}

/** The index of a sample type by name, or -1. */
export function sampleTypeIndex(p: Profile, type: string): number {
  return p.sampleTypes.findIndex((t) => t.type === type)
}

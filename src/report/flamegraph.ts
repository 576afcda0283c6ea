// A self-contained SVG flame graph of live-heap growth between two heap summaries:
// each box is a function on the stacks that grew, as wide as the bytes they added.
import { isStdlib } from '../profile/frames.js'
import type { HeapSummary } from '../profile/heap.js'

interface Node {
  name: string
  bytes: number
  children: Map<string, Node>
}

const widthPx = 1200
const rowPx = 18
const headerPx = 36
const charPx = 6.6 // of 11px monospace
const minBoxPx = 0.5

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB']
  let v = bytes
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`
}

/** Per whole stack, the bytes added; stacks that shrank count as zero, so widths add up. */
function growthTree(first: HeapSummary, last: HeapSummary): Node {
  const before = new Map(first.stacks.map((s) => [s.functions.join('\n'), s.inuseBytes]))
  const root: Node = { name: 'all', bytes: 0, children: new Map() }
  for (const s of last.stacks) {
    const growth = s.inuseBytes - (before.get(s.functions.join('\n')) ?? 0)
    if (growth <= 0) continue
    root.bytes += growth
    let node = root
    for (const name of s.functions) {
      let child = node.children.get(name)
      if (!child) {
        child = { name, bytes: 0, children: new Map() }
        node.children.set(name, child)
      }
      child.bytes += growth
      node = child
    }
  }
  return root
}

// Stable colours: the service's own code warm, the standard library and runtime cool.
function color(name: string): string {
  let h = 0
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0
  const shade = 55 + (h % 20)
  return isStdlib(name) ? `hsl(210, 30%, ${shade + 10}%)` : `hsl(${20 + (h % 25)}, 85%, ${shade}%)`
}

function depthOf(node: Node): number {
  let d = 0
  for (const c of node.children.values()) d = Math.max(d, depthOf(c))
  return d + 1
}

export function heapGrowthFlameGraph(
  first: HeapSummary,
  last: HeapSummary,
  title = 'Live heap growth'
): string {
  const root = growthTree(first, last)
  const depth = depthOf(root)
  const heightPx = headerPx + depth * rowPx + 4
  const boxes: string[] = []
  const scale = root.bytes > 0 ? widthPx / root.bytes : 0

  // Root on top, callees below, as in pprof's flame graph view.
  const draw = (node: Node, x: number, level: number): void => {
    const w = node.bytes * scale
    if (w < minBoxPx) return
    const y = headerPx + level * rowPx
    const share = ((100 * node.bytes) / root.bytes).toFixed(1)
    const chars = Math.floor((w - 6) / charPx)
    const label =
      chars >= 3 ? (node.name.length > chars ? `${node.name.slice(0, chars - 2)}..` : node.name) : ''
    boxes.push(
      `<g><title>${escapeXml(`${node.name}: +${formatBytes(node.bytes)} (${share}%)`)}</title>` +
        `<rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${rowPx - 1}" rx="2" fill="${color(node.name)}"/>` +
        (label ? `<text x="${(x + 3).toFixed(2)}" y="${y + 13}">${escapeXml(label)}</text>` : '') +
        '</g>'
    )
    let cx = x
    for (const child of [...node.children.values()].sort((a, b) => b.bytes - a.bytes)) {
      draw(child, cx, level + 1)
      cx += child.bytes * scale
    }
  }
  if (root.bytes > 0) draw(root, 0, 0)

  const heading = root.bytes > 0 ? `${title}: +${formatBytes(root.bytes)}` : `${title}: no stack grew`
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}" viewBox="0 0 ${widthPx} ${heightPx}" font-family="monospace" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="4" y="22" font-size="15">${escapeXml(heading)}</text>`,
    ...boxes,
    '</svg>',
    ''
  ].join('\n')
}

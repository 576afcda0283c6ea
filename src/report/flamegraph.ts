// A self-contained SVG flame graph of live-heap growth (a HeapDiff): each box is a
// function on the stacks that grew, as wide as the bytes they added.
import type { HeapDiff } from '../profile/diff.js'
import { isStdlib } from '../profile/frames.js'
import { formatBytes } from '../units.js'
import { escapeXml } from './escape.js'

interface Node {
  name: string
  /** Net growth of the stacks that end here. */
  selfBytes: number
  /** What the box shows: its own growth, if any, and its children's. */
  bytes: number
  children: Map<string, Node>
}

const widthPx = 1200
const rowPx = 18
const headerPx = 36
const charPx = 6.6 // of 11px monospace
const minBoxPx = 0.5

/**
 * A flame graph shows functions, not lines: stacks that differ only in lines end at one
 * node, where their growth nets out. A node that shrank counts as zero, so widths add up.
 */
function growthTree(diff: HeapDiff): Node {
  const root = newNode('all')
  for (const s of diff.stacks) {
    let node = root
    // Root first: the profile lists frames innermost first.
    for (const { function: name } of [...s.frames].reverse()) {
      let child = node.children.get(name)
      if (!child) {
        child = newNode(name)
        node.children.set(name, child)
      }
      node = child
    }
    node.selfBytes += s.bytes
  }
  keepGrowth(root)
  return root
}

function newNode(name: string): Node {
  return { name, selfBytes: 0, bytes: 0, children: new Map() }
}

function keepGrowth(node: Node): void {
  node.bytes = Math.max(0, node.selfBytes)
  for (const [name, child] of node.children) {
    keepGrowth(child)
    if (child.bytes > 0) node.bytes += child.bytes
    else node.children.delete(name)
  }
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

export function heapGrowthFlameGraph(diff: HeapDiff, title = 'Live heap growth'): string {
  const root = growthTree(diff)
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

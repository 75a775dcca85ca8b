import { formatDuration } from '../util/duration.js';
import type { Plan } from '../plan/plan.js';

interface Edge {
  from: string;
  to: string;
  critical: boolean;
}

function edges(plan: Plan): Edge[] {
  const next = new Map<string, string>();
  const path = plan.criticalPath.tasks;
  for (let i = 0; i + 1 < path.length; i++) next.set(path[i]!, path[i + 1]!);
  return plan.tasks.flatMap((t) => t.needs.map((need) => ({ from: need, to: t.id, critical: next.get(need) === t.id })));
}

/** Mermaid flowchart (renders in GitHub markdown); the critical path in red. */
export function formatMermaid(plan: Plan): string {
  const ids = new Map(plan.tasks.map((t, i) => [t.id, `t${i}`]));
  const label = (text: string) => text.replace(/"/g, '#quot;');
  const lines = ['flowchart LR'];
  for (const t of plan.tasks) lines.push(`  ${ids.get(t.id)}["${label(t.id)}<br/>${formatDuration(t.estimate)}"]`);
  const all = edges(plan);
  all.forEach((e) => lines.push(`  ${ids.get(e.from)} --> ${ids.get(e.to)}`));
  const critical = plan.tasks.filter((t) => t.critical).map((t) => ids.get(t.id));
  if (critical.length) {
    lines.push('  classDef critical stroke:#d62728,stroke-width:3px');
    lines.push(`  class ${critical.join(',')} critical`);
  }
  const criticalEdges = all.map((e, i) => (e.critical ? i : -1)).filter((i) => i >= 0);
  if (criticalEdges.length) lines.push(`  linkStyle ${criticalEdges.join(',')} stroke:#d62728,stroke-width:3px`);
  return `${lines.join('\n')}\n`;
}

/** Graphviz DOT; the critical path in red. */
export function formatDot(plan: Plan): string {
  const q = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = [`digraph ${q(plan.workflow)} {`, '  rankdir=LR;', '  node [shape=box, style=rounded, fontname="Helvetica"];'];
  for (const t of plan.tasks) {
    const style = t.critical ? ', color="#d62728", penwidth=2' : '';
    lines.push(`  ${q(t.id)} [label=${q(`${t.id}\n${formatDuration(t.estimate)}`)}${style}];`);
  }
  for (const e of edges(plan)) lines.push(`  ${q(e.from)} -> ${q(e.to)}${e.critical ? ' [color="#d62728", penwidth=2]' : ''};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** `{workflow, nodes, edges, criticalPath}` as JSON. */
export function formatGraphJson(plan: Plan): string {
  return `${JSON.stringify({
    workflow: plan.workflow,
    nodes: plan.tasks.map((t) => ({ id: t.id, agent: t.agent, estimate: t.estimate, batch: t.batch, critical: t.critical })),
    edges: edges(plan),
    criticalPath: plan.criticalPath,
  }, null, 2)}\n`;
}

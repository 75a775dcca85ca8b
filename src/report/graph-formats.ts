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

/** The tasks of each included file, by namespace, in plan order; the workflow's own under ''. */
function byNamespace(plan: Plan): Map<string, Plan['tasks']> {
  const groups = new Map<string, Plan['tasks']>([['', []]]);
  for (const t of plan.tasks) {
    const key = t.includedFrom ?? '';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(t);
  }
  return groups;
}

/** Mermaid flowchart (renders in GitHub markdown); the critical path in red; an included file's tasks in a box of their own. */
export function formatMermaid(plan: Plan): string {
  const ids = new Map(plan.tasks.map((t, i) => [t.id, `t${i}`]));
  // Mermaid's entity codes (`#60;`): a label shows `"`, `<`, `>`, `&` and `#` as written (a matrix value `<b>` is not bold).
  const label = (text: string) => text.replace(/[#"<>&]/g, (c) => `#${c.charCodeAt(0)};`);
  const lines = ['flowchart LR'];
  let group = 0;
  for (const [ns, tasks] of byNamespace(plan)) {
    const indent = ns ? '    ' : '  ';
    if (ns) lines.push(`  subgraph g${group++}["${label(ns)}"]`);
    // A service is a stadium, as it runs on beside the tasks that need it.
    for (const t of tasks) {
      const text = `"${label(t.id)}<br/>${formatDuration(t.estimate)}${t.service ? ' (service)' : ''}"`;
      lines.push(`${indent}${ids.get(t.id)}${t.service ? `([${text}])` : `[${text}]`}`);
    }
    if (ns) lines.push('  end');
  }
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

/** Graphviz DOT; the critical path in red; an included file's tasks in a cluster of their own. */
export function formatDot(plan: Plan): string {
  const q = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = [`digraph ${q(plan.workflow)} {`, '  rankdir=LR;', '  node [shape=box, style=rounded, fontname="Helvetica"];'];
  for (const [ns, tasks] of byNamespace(plan)) {
    const indent = ns ? '    ' : '  ';
    if (ns) lines.push(`  subgraph ${q(`cluster_${ns}`)} {`, `    label=${q(ns)};`);
    for (const t of tasks) {
      const style = `${t.critical ? ', color="#d62728", penwidth=2' : ''}${t.service ? ', style="rounded,dashed"' : ''}`;
      lines.push(`${indent}${q(t.id)} [label=${q(`${t.id}\n${formatDuration(t.estimate)}${t.service ? ' (service)' : ''}`)}${style}];`);
    }
    if (ns) lines.push('  }');
  }
  for (const e of edges(plan)) lines.push(`  ${q(e.from)} -> ${q(e.to)}${e.critical ? ' [color="#d62728", penwidth=2]' : ''};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** `{workflow, nodes, edges, criticalPath}` as JSON. */
export function formatGraphJson(plan: Plan): string {
  return `${JSON.stringify({
    workflow: plan.workflow,
    nodes: plan.tasks.map((t) => ({ id: t.id, agent: t.agent, estimate: t.estimate, batch: t.batch, critical: t.critical, ...(t.service ? { service: true } : {}) })),
    edges: edges(plan),
    criticalPath: plan.criticalPath,
  }, null, 2)}\n`;
}

/**
 * The ticks of a time axis `wall` seconds long: at a round step (5ms, 0.2s,
 * 15s, 5m, 1h...), at most ten after 0, each labelled as a clock would.
 * Self-contained, as the report's page script runs its source.
 */
export function axisTicks(wall: number): Array<{ at: number; label: string }> {
  const steps = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
  const step = steps.find((t) => wall / t <= 10) ?? Math.ceil(wall / 864000) * 86400;
  const label = (s: number): string => {
    if (s === 0) return '0';
    if (step < 0.1) return `${Math.round(s * 1000)}ms`;
    if (step < 1) return `${Number(s.toFixed(1))}s`;
    if (s < 60) return `${s}s`;
    if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
    return `${Math.floor(s / 3600)}h${s % 3600 ? `${Math.round((s % 3600) / 60)}m` : ''}`;
  };
  const ticks: Array<{ at: number; label: string }> = [];
  for (let i = 0; i * step <= wall * (1 + 1e-9); i++) ticks.push({ at: i * step, label: label(i * step) });
  return ticks;
}

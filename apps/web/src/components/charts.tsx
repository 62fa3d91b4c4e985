/**
 * Small hand-written SVG charts. The pages need three simple pictures (bars, one line, a flow);
 * a charting library would add far more code than these few dozen lines, and plain SVG stays
 * accessible (each chart has a title and a table-like text alternative) and prints crisply.
 */

/**
 * A chart's text alternative: its title and every figure it draws, label by label. An SVG with
 * role="img" is read by its accessible name only, so the figures go there (and in <desc>).
 */
function textAlternative(title: string, figures: { label: string; text: string }[]): string {
  return [title, ...figures.map((figure) => `${figure.label}: ${figure.text}`)].join('; ');
}

function ChartTitle({ title, figures }: { title: string; figures: { label: string; text: string }[] }) {
  return (
    <>
      <title>{title}</title>
      <desc>{textAlternative(title, figures)}</desc>
    </>
  );
}

export interface Bar {
  label: string;
  /** 0..1 */
  fraction: number | null;
  text: string;
}

/** Horizontal bars: readable on a phone, where labels would not fit under vertical ones. */
export function BarChart({ title, bars, emptyText }: { title: string; bars: Bar[]; emptyText: string }) {
  if (!bars.length) return <p className="muted">{emptyText}</p>;
  const rowHeight = 28;
  const labelWidth = 110;
  const width = 480;
  const barWidth = width - labelWidth - 110;
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${bars.length * rowHeight + 8}`} role="img" aria-label={textAlternative(title, bars)}>
      <ChartTitle title={title} figures={bars} />
      {bars.map((bar, index) => {
        const y = index * rowHeight + 4;
        return (
          <g key={bar.label}>
            <text x={0} y={y + 17} className="chart-label">
              {bar.label}
            </text>
            <rect x={labelWidth} y={y + 4} width={barWidth} height={18} className="chart-track" />
            <rect x={labelWidth} y={y + 4} width={Math.max(0, Math.min(1, bar.fraction ?? 0)) * barWidth} height={18} className="chart-bar" />
            <text x={labelWidth + barWidth + 6} y={y + 17} className="chart-value">
              {bar.text}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export interface LinePoint {
  label: string;
  value: number | null;
  text: string;
}

export function LineChart({ title, points, emptyText }: { title: string; points: LinePoint[]; emptyText: string }) {
  const known = points.filter((point) => point.value !== null) as (LinePoint & { value: number })[];
  if (!known.length) return <p className="muted">{emptyText}</p>;
  const width = 480;
  const height = 200;
  const left = 30;
  const bottom = 36;
  const top = 20;
  const max = Math.max(...known.map((point) => point.value), 1);
  const x = (index: number) => left + (points.length === 1 ? (width - 2 * left) / 2 : (index * (width - 2 * left)) / (points.length - 1));
  const y = (value: number) => top + (1 - value / max) * (height - top - bottom);
  const path = points
    .map((point, index) => (point.value === null ? null : `${x(index).toFixed(1)},${y(point.value).toFixed(1)}`))
    .filter(Boolean)
    .join(' ');
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={textAlternative(title, known)}>
      <ChartTitle title={title} figures={known} />
      <line x1={left} x2={width - left} y1={height - bottom} y2={height - bottom} className="chart-axis" />
      <polyline points={path} className="chart-line" />
      {points.map((point, index) =>
        point.value === null ? null : (
          <g key={point.label}>
            <circle cx={x(index)} cy={y(point.value)} r={3.5} className="chart-dot">
              <title>{`${point.label}: ${point.text}`}</title>
            </circle>
            {index === points.length - 1 && (
              <text x={Math.min(x(index), width - 60)} y={Math.max(y(point.value) - 8, 12)} className="chart-value">
                {point.text}
              </text>
            )}
          </g>
        ),
      )}
      {points.map((point, index) =>
        index % Math.ceil(points.length / 6) === 0 || index === points.length - 1 ? (
          <text key={`label-${point.label}`} x={x(index)} y={height - bottom + 18} textAnchor="middle" className="chart-label">
            {point.label}
          </text>
        ) : null,
      )}
    </svg>
  );
}

export interface FlowStage {
  key: string;
  label: string;
  amount: number;
  text: string;
}

/**
 * Money flowing left to right through stages (gifts received -> allocated -> paid to insurers ->
 * claims paid), each arrow as wide as the amount it carries relative to the largest stage, with
 * what left the flow (refunded, held) below the stage it left from.
 */
export function FlowChart({ title, stages, sideFlows }: { title: string; stages: FlowStage[]; sideFlows: { from: string; stage: FlowStage }[] }) {
  const width = 640;
  const height = 260;
  const boxWidth = 118;
  const gap = (width - stages.length * boxWidth) / Math.max(stages.length - 1, 1);
  const max = Math.max(...stages.map((stage) => stage.amount), ...sideFlows.map((side) => side.stage.amount), 1);
  const thickness = (amount: number) => (amount > 0 ? 4 + (amount / max) * 40 : 0);
  const boxX = (index: number) => index * (boxWidth + gap);
  const mid = 70;
  return (
    <svg className="chart flow" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={textAlternative(title, [...stages, ...sideFlows.map((side) => side.stage)])}>
      <ChartTitle title={title} figures={[...stages, ...sideFlows.map((side) => side.stage)]} />
      {stages.slice(1).map((stage, index) => (
        <rect key={`arrow-${stage.key}`} x={boxX(index) + boxWidth} y={mid - thickness(stage.amount) / 2} width={gap} height={thickness(stage.amount)} className="flow-arrow" />
      ))}
      {stages.map((stage, index) => (
        <g key={stage.key}>
          <rect x={boxX(index)} y={mid - 40} width={boxWidth} height={80} rx={8} className="flow-box" />
          <text x={boxX(index) + boxWidth / 2} y={mid - 8} textAnchor="middle" className="flow-label">
            {stage.label}
          </text>
          <text x={boxX(index) + boxWidth / 2} y={mid + 16} textAnchor="middle" className="flow-value">
            {stage.text}
          </text>
        </g>
      ))}
      {sideFlows.map((side, sideIndex) => {
        // Side boxes sit in a second row, one per column in order; a curved band joins each to the stage it left.
        const from = stages.findIndex((stage) => stage.key === side.from);
        const sourceX = boxX(from) + boxWidth / 2;
        const targetX = boxX(sideIndex) + boxWidth / 2;
        const sideTop = 170;
        return (
          <g key={side.stage.key}>
            {side.stage.amount > 0 && (
              <path d={`M ${sourceX} ${mid + 40} C ${sourceX} ${mid + 80}, ${targetX} ${sideTop - 40}, ${targetX} ${sideTop}`} strokeWidth={thickness(side.stage.amount)} className="flow-band" />
            )}
            <rect x={boxX(sideIndex)} y={sideTop} width={boxWidth} height={70} rx={8} className="flow-box side" />
            <text x={targetX} y={sideTop + 28} textAnchor="middle" className="flow-label">
              {side.stage.label}
            </text>
            <text x={targetX} y={sideTop + 52} textAnchor="middle" className="flow-value">
              {side.stage.text}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

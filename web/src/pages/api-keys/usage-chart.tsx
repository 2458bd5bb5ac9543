import { useEffect, useState } from 'react';
import { api, ApiKey, call, Schemas } from '../../api/client';
import { describeError, toApiError } from '../../api/problem';
import { formatNumber } from '../../format';
import { Loading } from '../../ui/page';

type Usage = Schemas['ApiKeyUsageResponseDto'];
type Quota = Schemas['QuotaDto'];

const DAYS = 30;

function utcDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The last 30 UTC days, oldest first, with zero for days without requests. */
export function lastDays(usage: Usage, today = new Date()): { date: string; requests: number }[] {
  const counts = new Map(usage.items.map((item) => [item.date, item.requests]));
  return Array.from({ length: DAYS }, (_, index) => {
    const day = new Date(
      Date.UTC(
        today.getUTCFullYear(),
        today.getUTCMonth(),
        today.getUTCDate() - (DAYS - 1 - index),
      ),
    );
    const date = utcDate(day);
    return { date, requests: counts.get(date) ?? 0 };
  });
}

const WIDTH = 600;
const HEIGHT = 160;
const PAD = { top: 12, right: 8, bottom: 22, left: 40 };

function BarChart({ days, label }: { days: { date: string; requests: number }[]; label: string }) {
  const max = Math.max(1, ...days.map((d) => d.requests));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const step = plotWidth / days.length;
  const barWidth = Math.max(2, step * 0.7);
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={label}
      preserveAspectRatio="none"
    >
      <line
        x1={PAD.left}
        x2={WIDTH - PAD.right}
        y1={PAD.top + plotHeight}
        y2={PAD.top + plotHeight}
        className="axis"
      />
      <text x={PAD.left - 6} y={PAD.top + 4} textAnchor="end" className="tick">
        {formatNumber(max)}
      </text>
      <text x={PAD.left - 6} y={PAD.top + plotHeight} textAnchor="end" className="tick">
        0
      </text>
      {days.map((day, index) => {
        const height = (day.requests / max) * plotHeight;
        return (
          <rect
            key={day.date}
            className="bar"
            x={PAD.left + index * step + (step - barWidth) / 2}
            y={PAD.top + plotHeight - height}
            width={barWidth}
            height={Math.max(height, day.requests > 0 ? 1 : 0)}
          >
            <title>{`${day.date}: ${formatNumber(day.requests)} requests`}</title>
          </rect>
        );
      })}
      <text x={PAD.left} y={HEIGHT - 6} className="tick">
        {days[0]?.date}
      </text>
      <text x={WIDTH - PAD.right} y={HEIGHT - 6} textAnchor="end" className="tick">
        {days.at(-1)?.date}
      </text>
    </svg>
  );
}

function QuotaMeter({ quota }: { quota: Quota }) {
  const share = quota.limit > 0 ? Math.min(1, quota.used / quota.limit) : 1;
  return (
    <div className="quota">
      <p>
        This month, all keys of the organization: <strong>{formatNumber(quota.used)}</strong> of{' '}
        {formatNumber(quota.limit)} requests ({formatNumber(quota.remaining)} left).
      </p>
      <svg viewBox="0 0 100 6" className="meter" aria-hidden="true" preserveAspectRatio="none">
        <rect x="0" y="0" width="100" height="6" rx="3" className="meter-track" />
        <rect
          x="0"
          y="0"
          width={share * 100}
          height="6"
          rx="3"
          className={share >= 0.9 ? 'meter-fill warn' : 'meter-fill'}
        />
      </svg>
    </div>
  );
}

/** Requests per day for one key over the last 30 days, against the organization's monthly quota. */
export function UsageChart({ apiKey }: { apiKey: ApiKey }) {
  const [usage, setUsage] = useState<Usage | null>(null);
  const [quota, setQuota] = useState<Quota | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const today = new Date();
    const from = utcDate(
      new Date(
        Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - (DAYS - 1)),
      ),
    );
    const path = { orgId: apiKey.organizationId, id: apiKey.id };
    Promise.all([
      call(
        api.GET('/api/v1/organizations/{orgId}/api-keys/{id}/usage', {
          params: { path, query: { from, to: utcDate(today) } },
        }),
      ),
      call(
        api.GET('/api/v1/organizations/{orgId}/api-keys/quota', {
          params: { path: { orgId: apiKey.organizationId } },
        }),
      ),
    ]).then(
      ([loadedUsage, loadedQuota]) => {
        setUsage(loadedUsage);
        setQuota(loadedQuota);
      },
      (caught: unknown) => setError(describeError(toApiError(caught))),
    );
  }, [apiKey.id, apiKey.organizationId]);

  if (error)
    return (
      <p className="alert error" role="alert">
        {error}
      </p>
    );
  if (!usage || !quota) return <Loading label="Loading usage…" />;
  const days = lastDays(usage);
  return (
    <div className="usage" data-testid={`usage-${apiKey.id}`}>
      <p>
        <strong>{formatNumber(usage.total)}</strong> requests with “{apiKey.name}” in the last{' '}
        {DAYS} days.
      </p>
      <BarChart
        days={days}
        label={`Requests per day with ${apiKey.name} over the last ${DAYS} days: ${formatNumber(usage.total)} in all`}
      />
      <details>
        <summary>Show as a table</summary>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col">Requests</th>
              </tr>
            </thead>
            <tbody>
              {days
                .filter((d) => d.requests > 0)
                .map((d) => (
                  <tr key={d.date}>
                    <td>{d.date}</td>
                    <td>{formatNumber(d.requests)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </details>
      <QuotaMeter quota={quota} />
    </div>
  );
}

-- title: Settlement lag by TEE
-- description: Per TEE, individually settled inferences in the range with their average, median and worst lag between inference and settlement (seconds).
-- params: from, to
select tee_id,
  bool_and(tee_registered) as registered,
  count(*)::int as settlements,
  round(avg(lag_seconds), 2)::float as avg_lag_seconds,
  percentile_disc(0.5) within group (order by lag_seconds)::int as median_lag_seconds,
  max(lag_seconds)::int as max_lag_seconds
from {{individual_settlement}}
where timestamp >= :from::bigint and timestamp <= :to::bigint
group by tee_id
order by settlements desc

-- title: Daily active OPG accounts
-- description: Per UTC day, how many distinct accounts sent and received OPG, and how many transfers moved how much. Reads the raw transfers of the range.
-- params: from, to
select extract(epoch from date_trunc('day', to_timestamp(timestamp::bigint) at time zone 'UTC'))::bigint as day,
  count(distinct "from")::int as senders,
  count(distinct "to")::int as receivers,
  count(*)::int as transfers,
  sum(amount)::text as volume
from {{transfer}}
where timestamp >= :from::bigint and timestamp <= :to::bigint
group by 1
order by 1

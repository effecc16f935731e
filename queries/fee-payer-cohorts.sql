-- title: Weekly fee payer cohorts
-- description: Payers grouped by the week of their first x402 payment; for each cohort and each later week, how many of them paid again. Reads payer-hours, not payments.
-- params: from, to
with activity as (
  select payer, (hour * 3600) as ts
  from {{fee_payer_hour}}
  where hour * 3600 >= :from::bigint and hour * 3600 <= :to::bigint
),
firsts as (
  select payer, extract(epoch from date_trunc('week', to_timestamp(min(ts)) at time zone 'UTC'))::bigint as cohort
  from activity group by payer
),
weekly as (
  select distinct a.payer, f.cohort,
    extract(epoch from date_trunc('week', to_timestamp(a.ts) at time zone 'UTC'))::bigint as week
  from activity a join firsts f using (payer)
)
select cohort as cohort_week, (week - cohort) / 604800 as weeks_later, count(*)::int as payers
from weekly
group by cohort, week
order by cohort, weeks_later

-- title: Holder concentration
-- description: Share of total supply held by the largest 10, 100 and 1000 holders, and by everyone else, as of the latest indexed block.
-- params:
with ranked as (
  select balance, row_number() over (order by balance desc) as rank
  from {{account}} where balance > 0
),
supply as (select total_supply from {{token_supply}} limit 1)
select tier,
  count(*)::int as holders,
  sum(balance)::text as balance,
  round(sum(balance) * 100.0 / (select total_supply from supply), 4)::float as percent_of_supply
from (
  select balance,
    case when rank <= 10 then 'top 10' when rank <= 100 then 'top 11-100' when rank <= 1000 then 'top 101-1000' else 'rest' end as tier,
    case when rank <= 10 then 1 when rank <= 100 then 2 when rank <= 1000 then 3 else 4 end as tier_order
  from ranked
) tiers
group by tier, tier_order
order by tier_order

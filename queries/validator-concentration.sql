-- title: Validator stake concentration
-- description: Validators by stake with their share and the running share; the rows up to the first one past 33.4% give the Nakamoto coefficient (how many validators could halt the chain).
-- params: limit
with ranked as (
  select address, stake, jailed,
    row_number() over (order by stake desc, address) as rank,
    sum(stake) over (order by stake desc, address) as running,
    sum(stake) over () as total
  from {{validator}}
)
select rank::int, address, stake::text, jailed,
  round(stake * 100.0 / nullif(total, 0), 4)::float as percent_of_stake,
  round(running * 100.0 / nullif(total, 0), 4)::float as cumulative_percent
from ranked
order by rank
limit :limit

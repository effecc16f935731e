-- title: Validator voting participation
-- description: Per validator, how many proposals that reached voting it voted on, its share of them, how often it changed its vote, how its votes split, and how many of its delegators overrode it by voting themselves.
-- params: limit
with voted as (
  select id from {{proposal}} where voting_start_time is not null
),
validator_votes as (
  select v.voter, v.proposal_id, v.changes, v.options
  from {{governance_vote}} v join {{validator}} n on n.address = v.voter
),
overrides as (
  select d.validator, count(*) as overrides
  from {{governance_vote}} v
  join {{delegation}} d on d.delegator = v.voter and d.amount > 0 and d.delegator <> d.validator
  join validator_votes vv on vv.voter = d.validator and vv.proposal_id = v.proposal_id
  group by d.validator
)
select n.address, n.moniker, n.stake::text,
  count(vv.proposal_id)::int as proposals_voted,
  (select count(*) from voted)::int as proposals_in_voting,
  round(count(vv.proposal_id) * 100.0 / nullif((select count(*) from voted), 0), 2)::float as participation_percent,
  coalesce(sum(vv.changes), 0)::int as vote_changes,
  count(*) filter (where vv.options::text like '%"yes"%')::int as yes_votes,
  count(*) filter (where vv.options::text like '%"no"%')::int as no_votes,
  count(*) filter (where vv.options::text like '%"noWithVeto"%')::int as veto_votes,
  count(*) filter (where vv.options::text like '%"abstain"%')::int as abstain_votes,
  coalesce(max(o.overrides), 0)::int as delegator_overrides
from {{validator}} n
left join validator_votes vv on vv.voter = n.address
left join overrides o on o.validator = n.address
group by n.address, n.moniker, n.stake
order by participation_percent desc nulls last, n.stake desc
limit :limit

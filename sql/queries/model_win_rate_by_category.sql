-- model_win_rate_by_category: how one model fares in the battles of each preference category.
-- Answers: per category (and 'ALL' for every battle), the model's battles, wins, losses, ties,
-- win rate (ties count half) and its stored pElo rating with CI. Battles are tagged by the reason
-- the WINNER won, so these rates are conditional on that reason deciding (docs/metrics.md).
-- Parameters:
--   $model           the model name, as in comparisons.model_a / model_b (required)
--   $basis = null    basis id or name (null: the latest basis)
with b as (select pick_basis($basis) as basis_id),
mine as (select * from v_model_battles where model = $model),
per_cat as (
    select cc.category_id, cc.category, count(*) as battles,
           count(*) filter (where m.outcome = 'win') as wins,
           count(*) filter (where m.outcome = 'loss') as losses,
           count(*) filter (where m.outcome = 'tie') as ties,
           round(avg(m.score), 4) as win_rate
    from mine m
    join (select distinct comparison_id, category_id, category from v_comparison_categories
          where basis_id = (select basis_id from b) and kind = 'preference') cc using (comparison_id)
    group by all
),
overall as (
    select cast(null as integer) as category_id, 'ALL' as category, count(*) as battles,
           count(*) filter (where outcome = 'win') as wins,
           count(*) filter (where outcome = 'loss') as losses,
           count(*) filter (where outcome = 'tie') as ties, round(avg(score), 4) as win_rate
    from mine
)
select x.*, round(r.rating, 1) as pelo, round(r.ci_low, 1) as ci_low, round(r.ci_high, 1) as ci_high
from (select * from overall union all select * from per_cat) x
left join ratings r
  on r.model = $model and r.basis_id is not distinct from (select basis_id from b)
 and r.scope = case when x.category_id is null then 'overall' else 'preference' end
 and r.category_id is not distinct from x.category_id
order by x.category_id nulls first;

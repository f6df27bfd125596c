-- judge_profile: what a judge (rater) rewards, compared with everyone.
-- Answers: per preference category, the share of the judge's categorized comparisons it tags, the
-- share among all judges, and the lift (judge share / overall share; > 1: the judge cites it more).
-- Parameters:
--   $judge           the judge id, as in comparisons.judge (required)
--   $basis = null    basis id or name (null: the latest basis)
with cc as (
    select distinct comparison_id, category_id, category, judge
    from v_comparison_categories where basis_id = pick_basis($basis) and kind = 'preference'
),
everyone as (
    select category_id, category, count(*) as tags,
           count(*) / sum(count(*)) over () as overall_share
    from cc group by all
),
judge as (
    select category_id, count(*) as judge_tags, count(*) / sum(count(*)) over () as judge_share
    from cc where judge = $judge group by all
)
select e.category_id, e.category, coalesce(j.judge_tags, 0) as judge_tags,
       round(coalesce(j.judge_share, 0), 4) as judge_share, round(e.overall_share, 4) as overall_share,
       round(coalesce(j.judge_share, 0) / e.overall_share, 3) as lift
from everyone e left join judge j using (category_id)
order by lift desc, e.category_id;

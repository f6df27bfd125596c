-- categories_by_topic: which reasons for preferring a response dominate within each prompt topic.
-- Answers: for every (topic category, preference category) pair, the comparisons tagged with both,
-- and that count as a share of the topic's tagged comparisons (rows ordered within each topic).
-- Parameters:
--   $basis = null    basis id or name (null: the latest basis)
with p as (select * from v_comparison_categories where basis_id = pick_basis($basis) and kind = 'preference'),
t as (select * from v_comparison_categories where basis_id = pick_basis($basis) and kind = 'topic'),
cells as (
    select t.category as topic, p.category as preference, count(distinct p.comparison_id) as comparisons
    from p join t using (comparison_id)
    group by all
)
select topic, preference, comparisons,
       round(comparisons / sum(comparisons) over (partition by topic), 4) as share_in_topic
from cells
order by topic, comparisons desc, preference;

-- uncovered_comparisons: annotated comparisons that no preference category of the basis covers.
-- Answers: which comparisons (of the basis's data sets) have annotations but no category within
-- the similarity threshold, with their annotated reasons: what the basis misses. `uncovered` is
-- the total number of such comparisons (every row repeats it).
-- Parameters:
--   $basis = null    basis id or name (null: the latest basis)
--   $limit = 20      rows to show
with b as (select pick_basis($basis) as basis_id),
datasets as (
    select distinct dataset_id from v_comparison_categories where basis_id = (select basis_id from b)
),
missing as (
    select distinct c.comparison_id, c.dataset_id, c.prompt
    from comparisons c join annotations a using (comparison_id)
    where c.dataset_id in (select dataset_id from datasets)
      and not exists (select 1 from comparison_categories cc
                      where cc.comparison_id = c.comparison_id and cc.kind = 'preference'
                        and cc.basis_id = (select basis_id from b))
)
select m.comparison_id, m.dataset_id, left(m.prompt, 160) as prompt,
       (select string_agg(a.preference || ': ' || a.description, ' | ' order by a.annotation_id)
        from annotations a where a.comparison_id = m.comparison_id) as reasons,
       count(*) over () as uncovered
from missing m
order by m.comparison_id
limit $limit;

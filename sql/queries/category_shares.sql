-- category_shares: how much of the data each category of a basis covers.
-- Answers: for every category, its share as fitted by `extract` (of mentions), how many comparisons
-- it tags, and that count as a fraction of the annotated comparisons of the basis's data sets.
-- Parameters:
--   $basis = null         basis id or name (null: the latest basis)
--   $kind = preference    'preference' or 'topic'
with b as (select pick_basis($basis) as basis_id),
datasets as (
    select distinct dataset_id from v_comparison_categories where basis_id = (select basis_id from b)
),
annotated as (
    select count(distinct c.comparison_id) as n
    from comparisons c join annotations a using (comparison_id)
    where c.dataset_id in (select dataset_id from datasets)
)
select cat.category_id, cat.name as category, cat.share as fitted_share,
       count(distinct cc.comparison_id) as comparisons,
       round(count(distinct cc.comparison_id) / nullif((select n from annotated), 0), 4) as comparison_share
from categories cat
left join comparison_categories cc
  on cc.basis_id = cat.basis_id and cc.kind = cat.kind and cc.category_id = cat.category_id
where cat.basis_id = (select basis_id from b) and cat.kind = $kind
group by all
order by comparisons desc, cat.category_id;

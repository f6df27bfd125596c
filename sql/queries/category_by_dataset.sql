-- category_by_dataset: which sources use which categories (for a basis pooled over several datasets).
-- Answers: per dataset of the basis and per category, the comparisons it tags, its share of the
-- dataset's tags, its share of every dataset's tags, and the lift (dataset share / overall share;
-- 0 where a dataset never uses a category, > 1 where it uses it more than the pool does). A
-- comparison tagged with several categories counts once in each. Datasets are those with at least
-- one tagged comparison (a pooled dataset whose mentions are all unassigned has no rows).
-- Parameters:
--   $basis = null         basis id or name (null: the latest basis)
--   $kind = preference    'preference' or 'topic'
with cc as (
    select distinct comparison_id, category_id, category, dataset_id
    from v_comparison_categories where basis_id = pick_basis($basis) and kind = $kind
),
everyone as (
    select category_id, category, count(*) / sum(count(*)) over () as overall_share
    from cc group by category_id, category
),
per_dataset as (
    select dataset_id, category_id, count(*) as tags,
           count(*) / sum(count(*)) over (partition by dataset_id) as dataset_share
    from cc group by dataset_id, category_id
)
select d.name as dataset, ds.dataset_id, e.category_id, e.category, coalesce(p.tags, 0) as tags,
       round(coalesce(p.dataset_share, 0), 4) as dataset_share, round(e.overall_share, 4) as overall_share,
       round(coalesce(p.dataset_share, 0) / e.overall_share, 3) as lift
from (select distinct dataset_id from cc) ds
cross join everyone e
join datasets d on d.dataset_id = ds.dataset_id
left join per_dataset p on p.dataset_id = ds.dataset_id and p.category_id = e.category_id
order by d.name, ds.dataset_id, e.overall_share desc, e.category_id;

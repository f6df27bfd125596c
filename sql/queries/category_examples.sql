-- category_examples: real comparisons of one category, the most typical first.
-- Answers: for the category (given by name, case-insensitive, or by id), the comparisons assigned
-- to it with their prompt, winner and loser models, and the annotated reasons, by similarity.
-- Parameters:
--   $category                   category name or id (required)
--   $basis = null               basis id or name (null: the latest basis)
--   $kind = preference          'preference' or 'topic'
--   $limit = 5                  rows to show
select cc.category_id, cc.category, round(cc.similarity, 3) as similarity, cc.comparison_id,
       left(c.prompt, 200) as prompt, cc.winner_model, cc.loser_model, cc.winner,
       (select string_agg(a.preference || ': ' || a.description, ' | ' order by a.annotation_id)
        from annotations a where a.comparison_id = cc.comparison_id) as reasons
from v_comparison_categories cc
join comparisons c using (comparison_id)
where cc.basis_id = pick_basis($basis) and cc.kind = $kind
  and (cast(cc.category_id as varchar) = cast($category as varchar)
       or lower(cc.category) = lower(cast($category as varchar)))
order by cc.similarity desc nulls last, cc.comparison_id
limit $limit;

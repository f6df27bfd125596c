-- basis_comparison: the bases fitted so far (extract runs), side by side.
-- Answers: per basis, its size k, coverage and variation explained, the preference / topic
-- categories it holds, how many comparisons it tags, its top categories by share, and how many
-- pElo ratings were computed on it. Newest first.
-- Parameters:
--   $limit = 20      bases to show
select b.basis_id, b.name, b.created_at, b.k, round(b.coverage, 4) as coverage,
       round(b.variation_explained, 4) as variation_explained,
       (select count(*) from categories c where c.basis_id = b.basis_id and c.kind = 'preference') as preference_categories,
       (select count(*) from categories c where c.basis_id = b.basis_id and c.kind = 'topic') as topic_categories,
       (select count(distinct comparison_id) from comparison_categories cc
         where cc.basis_id = b.basis_id and cc.kind = 'preference') as tagged_comparisons,
       (select string_agg(name, '; ' order by share desc nulls last, category_id)
          from (select name, share, category_id from categories c
                where c.basis_id = b.basis_id and c.kind = 'preference'
                order by share desc nulls last, category_id limit 5)) as top_categories,
       (select count(*) from ratings r where r.basis_id = b.basis_id and r.rating is not null) as pelo_ratings
from bases b
order by b.created_at desc, b.basis_id
limit $limit;

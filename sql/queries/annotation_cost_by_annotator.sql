-- annotation_cost_by_annotator: what annotating cost, per backend and model.
-- Answers: per (annotator, model), the requests that finished (ok / failed, from annotate_cache,
-- one row per request), their prompt and completion tokens and dollar cost, the annotation rows
-- they produced, and the cost per annotated comparison. Needs migration 002_annotate.
-- Parameters: none.
with req as (
    select annotator, model, count(*) as requests,
           count(*) filter (where status = 'ok') as ok, count(*) filter (where status = 'failed') as failed,
           sum(tokens_in) as tokens_in, sum(tokens_out) as tokens_out, sum(cost_usd) as cost_usd
    from annotate_cache group by all
),
ann as (
    select annotator, model, count(*) as annotations, count(distinct comparison_id) as comparisons
    from annotations group by all
)
select coalesce(r.annotator, a.annotator) as annotator, coalesce(r.model, a.model) as model,
       coalesce(r.requests, 0) as requests, coalesce(r.ok, 0) as ok, coalesce(r.failed, 0) as failed,
       coalesce(a.annotations, 0) as annotations, coalesce(a.comparisons, 0) as comparisons,
       coalesce(r.tokens_in, 0) as tokens_in, coalesce(r.tokens_out, 0) as tokens_out,
       round(coalesce(r.cost_usd, 0), 6) as cost_usd,
       round(r.cost_usd / nullif(a.comparisons, 0), 8) as cost_per_comparison
from req r
full join ann a on a.annotator = r.annotator and a.model is not distinct from r.model
order by cost_usd desc, annotator, model;

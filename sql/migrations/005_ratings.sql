-- 005_ratings: pElo run bookkeeping, extra `ratings` columns, and the public views that keep the
-- canned queries in sql/queries/ short (documented in docs/sql.md). Views use 001 columns only.

-- One row per `prefbasis pelo` run: what was rated and how.
create table if not exists pelo_runs (
    run_id        varchar primary key,
    basis_id      varchar,                   -- NULL: overall ratings only (no basis yet)
    created_at    timestamp default current_timestamp,
    battles       bigint,                    -- battles rated overall (after filters)
    bootstrap     integer,                   -- bootstrap rounds (0 = no intervals)
    min_battles   integer,
    style_control boolean,
    anchor        varchar,                   -- 'mean=1000' or 'MODEL=RATING'
    seed          integer,
    params        json                       -- the full PeloConfig
);

alter table ratings add column if not exists run_id varchar;          -- pelo_runs.run_id
alter table ratings add column if not exists created_at timestamp default current_timestamp;
alter table ratings add column if not exists category varchar;        -- category name (NULL overall)
alter table ratings add column if not exists insufficient boolean default false;  -- below --min-battles
alter table ratings add column if not exists wins double;             -- wins + ties/2 in this scope
alter table ratings add column if not exists style_control boolean default false;

-- The most recently created basis (one row, or none).
create or replace view v_latest_basis as
select basis_id, name, k, coverage, variation_explained, created_at, params
from bases
order by created_at desc, basis_id
limit 1;

-- Each (basis, kind, comparison, category) assignment with the category's name and the battle.
create or replace view v_comparison_categories as
select cc.basis_id, cc.kind, cc.comparison_id, cc.category_id, cat.name as category,
       cat.share as category_share, cc.similarity,
       c.dataset_id, c.judge, c.model_a, c.model_b, c.winner,
       case c.winner when 'a' then c.model_a when 'b' then c.model_b end as winner_model,
       case c.winner when 'a' then c.model_b when 'b' then c.model_a end as loser_model
from comparison_categories cc
join categories cat
  on cat.basis_id = cc.basis_id and cat.kind = cc.kind and cat.category_id = cc.category_id
join comparisons c on c.comparison_id = cc.comparison_id;

-- One row per annotation (a "mention": why the winner won), with its comparison's context.
create or replace view v_mentions as
select a.annotation_id, a.comparison_id, c.dataset_id, a.preference, a.description, a.topic,
       a.annotator, a.created_at, c.judge, c.winner, c.model_a, c.model_b, c.prompt,
       case c.winner when 'a' then c.model_a when 'b' then c.model_b end as winner_model,
       case c.winner when 'a' then c.model_b when 'b' then c.model_a end as loser_model,
       case c.winner when 'a' then c.response_a when 'b' then c.response_b end as winner_response,
       case c.winner when 'a' then c.response_b when 'b' then c.response_a end as loser_response
from annotations a
join comparisons c on c.comparison_id = a.comparison_id;

-- Each battle between two named models, seen from both sides: two rows per comparison.
-- score: 1 win, 0 loss, 0.5 tie (the Bradley–Terry convention for ties).
create or replace view v_model_battles as
select comparison_id, dataset_id, judge, 'a' as side, model_a as model, model_b as opponent,
       case winner when 'a' then 'win' when 'b' then 'loss' else 'tie' end as outcome,
       case winner when 'a' then 1.0 when 'b' then 0.0 else 0.5 end as score
from comparisons
where model_a is not null and model_b is not null and model_a <> model_b
union all
select comparison_id, dataset_id, judge, 'b' as side, model_b as model, model_a as opponent,
       case winner when 'b' then 'win' when 'a' then 'loss' else 'tie' end as outcome,
       case winner when 'b' then 1.0 when 'a' then 0.0 else 0.5 end as score
from comparisons
where model_a is not null and model_b is not null and model_a <> model_b;

-- pick_basis(b): the basis whose id or name is b; NULL b = the latest basis. Used by canned queries
-- as `where basis_id = pick_basis($basis)`.
create or replace macro pick_basis(b) as (
    select basis_id from bases
    where b is null or basis_id = cast(b as varchar) or name = cast(b as varchar)
    order by created_at desc, basis_id
    limit 1
);

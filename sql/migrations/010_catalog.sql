-- 010_catalog: the lookup rule of prefbasis.store.catalog, for SQL (bases; datasets follow the same rule in Python). An id, prefix or name resolves
-- the same way in every verb and in every canned query:
--   NULL -> the latest (newest created_at, then basis_id);
--   else the exact id; else the newest with that name; else the one id that starts with it
--   (several ids start with it: an error naming the prefix); nothing: NULL.

create or replace macro pick_basis(b) as (
    with m as (
        select basis_id, created_at,
               case when b is null then 0
                    when basis_id = cast(b as varchar) then 0
                    when name = cast(b as varchar) then 1
                    when starts_with(basis_id, cast(b as varchar)) then 2 end as how
        from bases),
    best as (select basis_id, how, count(*) over (partition by how) as n,
                    row_number() over (order by how, created_at desc, basis_id) as pos
             from m where how is not null)
    select case when how = 2 and n > 1 then error('several bases start with ' || cast(b as varchar))
                else basis_id end
    from best where pos = 1
);

-- How well a basis recovers a simulated dataset's planted truth (written by `prefbasis demo`):
-- 'ari' (one row: ARI of the description categories vs the planted ones, n = descriptions) and
-- 'spearman' (one row per basis category matched to a planted one: Spearman of its pElo ratings
-- vs the planted per-category model strengths, n = models).
create table if not exists basis_recovery (
    basis_id         varchar not null,
    dataset_id       varchar not null,
    metric           varchar not null check (metric in ('ari', 'spearman')),
    category_id      integer,
    category         varchar,
    planted_category varchar,
    value            double,
    n                bigint,
    created_at       timestamp default current_timestamp
);

-- One row per `prefbasis export-dpo` run on a writable store: which subset went where (the report's
-- DPO section joins it with training_runs and evaluations through the folder).
create table if not exists dpo_exports (
    export_id      varchar primary key,     -- content hash of (folder, basis, category, options)
    out            varchar not null,        -- the export folder as given
    basis_id       varchar,
    category_id    integer,
    category       varchar,
    complement     boolean,
    n_pairs        bigint,
    n_train        bigint,
    n_test         bigint,
    n_ties_dropped bigint,
    params         json,
    created_at     timestamp default current_timestamp
);

-- 006_train: what `train` and `evaluate` record (export-dpo writes files only).

-- One row per `prefbasis train` run: where the adapter is and how it did.
create table if not exists training_runs (
    run_id          varchar primary key,      -- content hash of (output_dir, resolved config)
    output_dir      varchar not null,         -- the adapter folder
    base_model      varchar not null,
    data            varchar not null,         -- the export-dpo folder trained on
    basis_id        varchar,
    category        varchar,                  -- category name from the export card
    n_train         bigint,
    steps           bigint,                   -- optimizer steps done (global_step)
    final_loss      double,                   -- mean training loss over the run
    reward_accuracy double,                   -- last eval (else train) rewards/accuracies
    device          varchar,
    created_at      timestamp default current_timestamp,
    config          json                      -- the resolved TrainConfig (no secrets)
);

-- Long format: one row per (data set, variant, metric) of an `evaluate` run.
create table if not exists evaluations (
    evaluation_id varchar not null,           -- one id per `prefbasis evaluate` run
    adapter       varchar not null,
    base_model    varchar,
    data          varchar not null,           -- the export-dpo folder evaluated on
    split         varchar not null,
    role          varchar not null check (role in ('category', 'other')),
    category      varchar,
    metric        varchar not null,           -- 'preference_accuracy' or 'probe:<name>'
    variant       varchar not null check (variant in ('base', 'tuned', 'delta')),
    value         double,
    ci_low        double,
    ci_high       double,
    n             bigint,                     -- pairs (or prompts for a probe)
    created_at    timestamp default current_timestamp,
    params        json
);

-- 012_pooled_bases: a basis may be fit on several datasets pooled (`extract --pool A B`).
-- `dataset_ids` lists every dataset a basis was fit on (one for `--dataset`); `dataset_id` keeps the
-- single dataset of an unpooled basis and is NULL for a pooled one. Bases fit before 012 had one.
alter table bases add column if not exists dataset_ids varchar[];
update bases set dataset_ids = [dataset_id] where dataset_ids is null and dataset_id is not null;

#!/usr/bin/env bash
# Builds database cq_sharded on the main server from the tables `cq load` put in $CQ_PG_URL:
# the fact tables (tracking_data, posts, payouts by influencer_id; store_orders by brand) are
# declaratively partitioned, PARTITION BY HASH into 2 partitions that are postgres_fdw foreign
# tables whose rows live on the two shard servers; influencers and products stay local.
# SQL that silently depends on one node's data gives wrong answers or fails here.
#
# Reads CQ_PG_URL, CQ_PG_SHARD1_URL, CQ_PG_SHARD2_URL, CQ_PG_ADMIN_URL, PGPASSWORD and CQ_PG_BIN
# (as Tests/postgres/with-servers.sh exports them); prints the URL of cq_sharded. Rebuilding
# replaces the previous cq_sharded and the shard tables. The rows are copied with
# INSERT … SELECT through the partitioned tables, so PostgreSQL's own hash routing puts each
# row on its shard.
set -euo pipefail
exec 3>&1 >&2 # notes to stderr; only the URL to stdout

: "${CQ_PG_URL:?}" "${CQ_PG_SHARD1_URL:?}" "${CQ_PG_SHARD2_URL:?}" "${CQ_PG_ADMIN_URL:?}" "${PGPASSWORD:?}"
bindir=${CQ_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}
psql() { "$bindir/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

# postgres://USER@HOST:PORT/DB: the parts, and the URL of database $2 on the same server.
with_db() { echo "${1%/*}/$2"; }
port_of() { local rest=${1##*:}; echo "${rest%%/*}"; }
host_of() { local rest=${1#*@}; echo "${rest%%:*}"; }
db_of() { echo "${1##*/}"; }

main=$CQ_PG_URL
sharded=$(with_db "$main" cq_sharded)
admin_sharded=${CQ_PG_ADMIN_URL/\/postgres\?//cq_sharded?}
shards=("$CQ_PG_SHARD1_URL" "$CQ_PG_SHARD2_URL")

# table|column list (as CREATE TABLE writes it), for the tables cq loaded.
definitions=$(psql -d "$main" -At -c "
  select c.relname, string_agg(format('%I %s%s', a.attname, format_type(a.atttypid, a.atttypmod),
           case when a.attnotnull then ' not null' else '' end), ', ' order by a.attnum)
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
  where n.nspname = 'public' and c.relkind in ('r', 'p')
    and c.relname in ('influencers', 'products', 'posts', 'tracking_data', 'payouts', 'store_orders')
  group by c.relname order by c.relname")
[ -n "$definitions" ] || { echo "shard.sh: no cq tables in $main; run 'cq load DIR --into $main' first" >&2; exit 1; }

psql -d "$CQ_PG_ADMIN_URL" -c "set client_min_messages = warning" -c "drop database if exists cq_sharded with (force)" -c "create database cq_sharded owner cq"
{
  echo "create extension postgres_fdw;"
  servers=("shard1|${shards[0]}" "shard2|${shards[1]}" "cq_source|$main")
  for entry in "${servers[@]}"; do
    name=${entry%%|*} url=${entry#*|}
    echo "create server $name foreign data wrapper postgres_fdw options (host '$(host_of "$url")', port '$(port_of "$url")', dbname '$(db_of "$url")', fetch_size '10000', batch_size '1000', async_capable 'true');"
    echo "create user mapping for cq server $name options (user 'cq', password '$PGPASSWORD');"
    echo "grant usage on foreign server $name to cq;"
  done
} | psql -d "$admin_sharded"

shard_ddl="drop table if exists influencers, products, posts, tracking_data, payouts, store_orders;"
sharded_ddl="create schema cq_source;
import foreign schema public limit to (influencers, products, posts, tracking_data, payouts, store_orders)
  from server cq_source into cq_source;"
tables= facts=
while IFS='|' read -r t cols; do
  tables="$tables $t"
  case $t in
    influencers | products)
      sharded_ddl+="
create table $t ($cols);
insert into $t select * from cq_source.$t;"
      [ "$t" != influencers ] || sharded_ddl+="
alter table influencers add primary key (id);"
      ;;
    *)
      facts="$facts $t"
      key=influencer_id
      [ "$t" != store_orders ] || key=brand
      shard_ddl+="
create table $t ($cols);"
      sharded_ddl+="
create table $t ($cols) partition by hash ($key);
create foreign table ${t}_shard1 partition of $t for values with (modulus 2, remainder 0)
  server shard1 options (schema_name 'public', table_name '$t');
create foreign table ${t}_shard2 partition of $t for values with (modulus 2, remainder 1)
  server shard2 options (schema_name 'public', table_name '$t');
insert into $t select * from cq_source.$t;"
      ;;
  esac
done <<<"$definitions"
sharded_ddl+="
drop schema cq_source cascade;"

for s in "${shards[@]}"; do
  psql -d "$s" -c "set client_min_messages = warning" -c "$shard_ddl"
done
psql -d "$sharded" -c "set client_min_messages = warning" -c "$sharded_ddl"
for s in "${shards[@]}"; do
  psql -d "$s" -c "analyze $(echo $facts | tr ' ' ',')"
done
psql -d "$sharded" -c "analyze $(echo $tables | tr ' ' ',')"
echo "$sharded" >&3

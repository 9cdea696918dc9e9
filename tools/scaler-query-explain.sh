#!/usr/bin/env bash
# EXPLAIN (ANALYZE, BUFFERS) of the KEDA scaler's query (read from the rendered deploy/k8s) on a migrated portal
# database filled with 100,000 job rows: first the steady state (200 open jobs among finished ones), then a backlog
# (10,000 more queued). Usage: tools/scaler-query-explain.sh "Host=…;Database=…" — the database must be migrated (start
# the web node on it once) and is changed: it gets a tenant, a user and the rows. Figures: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
url=$1
query=$(kubectl kustomize deploy/k8s | NODE_PATH=deploy/k8s/validate/node_modules node -e '
  const { parseAllDocuments } = require("yaml");
  const docs = parseAllDocuments(require("node:fs").readFileSync(0, "utf8")).map(d => d.toJS());
  const so = docs.find(d => d && d.kind === "ScaledObject" && d.metadata.name === "sdportal-inference");
  process.stdout.write(so.spec.triggers[0].metadata.query);')
echo "query: $query"
psql "$url" -v ON_ERROR_STOP=1 -q <<SQL
INSERT INTO "Tenants" ("Id", "Name", "Slug", "Plan", "Status", "CreatedAtUtc")
VALUES ('00000000-0000-0000-0000-0000000000b1', 'bench', 'scaler-bench', 'free', 'Active', now());
INSERT INTO "AspNetUsers" ("Id", "UserName", "Email", "IsDisabled", "CreatedAtUtc", "EmailConfirmed", "PhoneNumberConfirmed",
  "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount")
VALUES ('00000000-0000-0000-0000-0000000000b2', 'bench@example.test', 'bench@example.test', false, now(), true, false, false, false, 0);
-- 100,000 jobs over 30 days: 200 open (150 Queued, 20 Dispatched, 30 Running), the rest finished (97% succeeded).
INSERT INTO "GenerationJobs" ("Id", "TenantId", "UserId", "Status", "Prompt", "Model", "ReservedCredits", "CreatedAtUtc", "Spec", "TotalSteps")
SELECT gen_random_uuid(), '00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000b2',
  CASE WHEN i <= 150 THEN 'Queued' WHEN i <= 170 THEN 'Dispatched' WHEN i <= 200 THEN 'Running'
       WHEN i % 100 < 2 THEN 'Failed' WHEN i % 100 = 2 THEN 'Cancelled' ELSE 'Succeeded' END,
  'a lighthouse at dusk, oil painting', 'sd15', 1, now() - (i * interval '26 seconds'), '{}', 20
FROM generate_series(1, 100000) AS i;
VACUUM ANALYZE "GenerationJobs";
\echo '== steady state: 100,000 rows, 200 open'
SELECT ($query) AS backlog;
EXPLAIN (ANALYZE, BUFFERS) $query;
EXPLAIN (ANALYZE, BUFFERS) $query;
INSERT INTO "GenerationJobs" ("Id", "TenantId", "UserId", "Status", "Prompt", "Model", "ReservedCredits", "CreatedAtUtc", "Spec", "TotalSteps")
SELECT gen_random_uuid(), '00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000b2', 'Queued',
  'a lighthouse at dusk, oil painting', 'sd15', 1, now() - (i * interval '1 second'), '{}', 20
FROM generate_series(1, 10000) AS i;
\echo '== a backlog before autovacuum: 110,000 rows, 10,200 open'
SELECT ($query) AS backlog;
EXPLAIN (ANALYZE, BUFFERS) $query;
VACUUM ANALYZE "GenerationJobs";
\echo '== the same backlog after (auto)vacuum'
EXPLAIN (ANALYZE, BUFFERS) $query;
EXPLAIN (ANALYZE, BUFFERS) $query;
SQL

-- The autoscaler's own PostgreSQL role (ADR-024): KEDA's PostgreSQL trigger may count jobs by status and read nothing
-- else: no prompts, specs, images, users or credits. Run it once per database as its owner, then give the role a
-- password and put its connection string in the Secret (key keda-postgresql-connection):
--   psql "$OWNER_URL" -f deploy/k8s/postgres/keda-scaler-role.sql
--   psql "$OWNER_URL" -c "ALTER ROLE sdportal_keda PASSWORD '…'"
-- Safe to run again. SdPortal.Tests/Deployment/ScalerQueryTests runs the scaler's query as this role.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sdportal_keda') THEN
        CREATE ROLE sdportal_keda LOGIN;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO sdportal_keda', current_database());
END
$$;
GRANT USAGE ON SCHEMA public TO sdportal_keda;
-- One column: the scaler's WHERE reads "Status" and COUNT(*) needs no other.
GRANT SELECT ("Status") ON "GenerationJobs" TO sdportal_keda;

-- The right to see "særlige kategorier": which participant has fewer opportunities and why they
-- get inclusion support. Granted and withdrawn by the coordinator on the account's page (each
-- change in the audit log); everyone without it sees counts, never persons.
ALTER TABLE accounts ADD COLUMN special_categories boolean NOT NULL DEFAULT false;

-- Two more indicators that Udsyn counts from its own data, now that reports and follow-ups exist:
-- reports tagged with the goal, and the share of followed-up participants who changed their practice.
ALTER TABLE indicators DROP CONSTRAINT indicators_automatic;
ALTER TABLE indicators ADD CONSTRAINT indicators_automatic CHECK (automatic IS NULL OR automatic IN
    ('ledere_gennemfoert', 'medarbejdere_gennemfoert', 'mobiliteter_gennemfoert',
     'rapporter_med_maalet', 'aendret_praksis_andel'));

INSERT INTO indicators (goal_id, name, description, kind, unit, higher_is_better, baseline_value, baseline_period,
                        target_value, target_period, source, per_school, automatic, min_value, max_value, sort_order)
SELECT g.id, i.name, i.description, 'kvantitativ', i.unit, true, i.baseline, '2022/23', i.target, '2026/27', 'Udsyn',
       false, i.automatic, i.min_value, i.max_value, i.sort_order
FROM (VALUES
    (2, 'Deltagere, der har ændret praksis',
        'Andel af de deltagere, der har besvaret opfølgningen på en mobilitet, som tjener målet, og som svarer ja eller delvist til, at de har ændret deres praksis.',
        '%', 0, 75, 'aendret_praksis_andel', 0, 100, 3),
    (1, 'Rapporter knyttet til målet',
        'Indsendte rapporter, hvor deltageren har knyttet sin læring til målet.',
        'rapporter', 0, 15, 'rapporter_med_maalet', 0, 10000, 3)
) AS i(goal, name, description, unit, baseline, target, automatic, min_value, max_value, sort_order)
JOIN goals g ON g.number = i.goal
WHERE NOT EXISTS (SELECT 1 FROM indicators x WHERE x.goal_id = g.id AND x.name = i.name);

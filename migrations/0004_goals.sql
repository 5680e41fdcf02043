-- The three goals against their baseline: indicators with a sane range and a target school year,
-- automatic indicators computed from Udsyn's own data, and the indicators that fit the seeds.

ALTER TABLE indicators DROP COLUMN target_year;
ALTER TABLE indicators
    ADD COLUMN description   text NOT NULL DEFAULT '',
    ADD COLUMN target_period text CHECK (target_period ~ '^[0-9]{4}/[0-9]{2}$'),
    ADD COLUMN min_value     numeric,
    ADD COLUMN max_value     numeric,
    ADD COLUMN sort_order    smallint NOT NULL DEFAULT 0,
    ADD COLUMN updated_at    timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT indicators_range CHECK (min_value IS NULL OR max_value IS NULL OR min_value < max_value),
    ADD CONSTRAINT indicators_automatic CHECK (automatic IS NULL OR automatic IN
        ('ledere_gennemfoert', 'medarbejdere_gennemfoert', 'mobiliteter_gennemfoert'));
ALTER TABLE measurements ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX measurements_indicator ON measurements (indicator_id, period);

-- The three goals of the consortium's Erasmus Plan (the project description), in Udsyn's words.
-- The coordinator edits them; the results year is the project year in which results are expected.
INSERT INTO goals (number, title, description, results_year) VALUES
    (1, 'Mål 1: Ledelse, der løfter inklusionen',
     'Skoleledere og forvaltningens nøglemedarbejdere bliver klogere på inklusion gennem samarbejde med europæiske partnere og eksperter i specialpædagogik. År 1 bruges til planlægning, mobiliteter og en kortlægning af nuværende praksis (udgangspunktet); virkningen i undervisning og inklusion ventes tidligt i år 2 og følges op i specialledernetværket.',
     2),
    (2, 'Mål 2: Lærere og pædagoger med nye greb',
     'Lærere og pædagoger får ny viden om en målgruppe med stadig flere samtidige vanskeligheder, og om hvordan afgangsprøven kan tilrettelægges for elever med særlige behov. Mobiliteterne ligger i år 2 og 3, derefter omsættes det i praksis; kontakten til partnerne fortsætter via eTwinning.',
     3),
    (3, 'Mål 3: Faglighed, trivsel og mestring',
     'Eleverne i specialtilbud når et højere fagligt niveau og oplever samtidig trivsel og mestring. Resultaterne ventes i år 4 og måles på konkrete data om elevernes udbytte og ved at følge undervisningen; jobshadowing giver udvalgte medarbejdere dybt kendskab til god europæisk praksis.',
     4)
ON CONFLICT (number) DO NOTHING;

-- Indicators that fit the goals (DOMAIN.md §5). Baselines and targets are starting points for the
-- coordinator to correct against the year-1 mapping.
INSERT INTO indicators (goal_id, name, description, kind, unit, higher_is_better, baseline_value,
                        baseline_period, target_value, target_period, source, per_school, rubric,
                        automatic, min_value, max_value, sort_order)
SELECT g.id, i.name, i.description, i.kind, i.unit, i.higher, i.baseline, i.baseline_period, i.target,
       i.target_period, i.source, i.per_school, i.rubric::jsonb, i.automatic, i.min_value, i.max_value, i.sort_order
FROM (VALUES
    (1, 'Ledere og nøglemedarbejdere med en gennemført mobilitet',
        'Skoleledere og forvaltningens nøglemedarbejdere, der har gennemført en mobilitet, som tjener målet. Tælles af Udsyn.',
        'kvantitativ', 'personer', true, 0, '2022/23', 12, '2025/26', 'Udsyn', false, NULL,
        'ledere_gennemfoert', 0, 1000, 1),
    (1, 'Ledelse af inklusion på skolen',
        'Skolens egen vurdering efter fire niveauer, med et kort belæg.',
        'kvalitativ', 'niveau', true, 2, '2022/23', 3, '2025/26', 'Skolens selvevaluering i specialledernetværket', true,
        '{"1": "Inklusion er den enkelte lærers opgave; ledelsen følger op ved problemer.", "2": "Ledelsen har en plan for inklusion, men den er ikke kendt af alle.", "3": "Ledelsen sætter retning, følger systematisk op og bruger data om eleverne.", "4": "Inklusion er hele skolens fælles ansvar og en del af al planlægning og opfølgning."}',
        NULL, 1, 4, 2),
    (2, 'Lærere og pædagoger med en gennemført mobilitet',
        'Lærere og pædagoger, der har gennemført en mobilitet, som tjener målet. Tælles af Udsyn.',
        'kvantitativ', 'personer', true, 0, '2022/23', 30, '2026/27', 'Udsyn', false, NULL,
        'medarbejdere_gennemfoert', 0, 1000, 1),
    (2, 'Elever i specialtilbud, der går til afgangsprøven',
        'Andel af skolens elever i specialklasser i 9. klasse, der går til folkeskolens afgangsprøve.',
        'kvantitativ', '%', true, 45, '2022/23', 60, '2026/27', 'Skolens prøvedata', true, NULL,
        NULL, 0, 100, 2),
    (3, 'Eksklusionsprocent',
        'Andel af skolens elever, der er visiteret til et specialtilbud uden for almenklassen.',
        'kvantitativ', '%', false, 6.5, '2022/23', 4, '2026/27', 'Kommunens elevdata', true, NULL,
        NULL, 0, 100, 1),
    (3, 'Elever fra specialtilbud, der starter en ungdomsuddannelse',
        'Andel af elever fra specialtilbud, der er i gang med en ungdomsuddannelse 3 måneder efter 9. klasse.',
        'kvantitativ', '%', true, 50, '2022/23', 70, '2026/27', 'Ungdommens Uddannelsesvejledning', false, NULL,
        NULL, 0, 100, 2),
    (3, 'Trivsel i specialklasserne',
        'Gennemsnit af den generelle trivsel i den nationale trivselsmåling for elever i specialklasser (1–5).',
        'kvantitativ', 'point', true, 3.6, '2022/23', 3.9, '2026/27', 'Den nationale trivselsmåling', true, NULL,
        NULL, 1, 5, 3)
) AS i(goal, name, description, kind, unit, higher, baseline, baseline_period, target, target_period, source,
       per_school, rubric, automatic, min_value, max_value, sort_order)
JOIN goals g ON g.number = i.goal
WHERE NOT EXISTS (SELECT 1 FROM indicators x WHERE x.goal_id = g.id AND x.name = i.name);

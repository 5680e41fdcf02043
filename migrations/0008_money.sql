-- Money: the unit costs of each call year, the grant agreements' budgets and targets, the grant of
-- every participant mobility as computed from those rates, the Beneficiary Module's mobility IDs
-- and its file's columns per call year.

-- The unit costs of one call year as one document: `domain::grant::Rates` in JSON, every figure
-- with `value`, `verified` and `source`. One document per year keeps a year's rates one thing to
-- copy, export, import and validate as a whole (bands contiguous, every country with a group).
CREATE TABLE call_rates (
    call_year  smallint PRIMARY KEY CHECK (call_year BETWEEN 2014 AND 2100),
    rates      jsonb NOT NULL CHECK ((rates ->> 'call_year')::smallint = call_year),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid REFERENCES accounts (id)
);

-- Calls 2024–2026 with the figures of MONEY.md §1–2, none verified against Annex 3: 2024 and 2025
-- with the classic country grouping, 2026 with the newer one.
INSERT INTO call_rates (call_year, rates) VALUES
    (2024, $rates${"call_year":2024,"bands":[{"min_km":10,"max_km":99,"standard_cents":{"value":2800,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":5600,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":100,"max_km":499,"standard_cents":{"value":21100,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":28500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":500,"max_km":1999,"standard_cents":{"value":30900,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":41700,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":2000,"max_km":2999,"standard_cents":{"value":39500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":53500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":3000,"max_km":3999,"standard_cents":{"value":58000,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":78500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":4000,"max_km":7999,"standard_cents":{"value":118800,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":118800,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":8000,"max_km":null,"standard_cents":{"value":173500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":173500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}}],"countries":{"AT":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"BE":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"BG":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"CY":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"CZ":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"DE":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"DK":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"EE":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"ES":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"FI":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"FR":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"GR":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"HR":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"HU":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"IE":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"IS":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"IT":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"LI":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"LT":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"LU":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"LV":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"MK":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"MT":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"NL":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"NO":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"PL":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"PT":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"RO":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"RS":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"SE":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"SI":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"SK":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"TR":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"}},"individual_support":[{"group":1,"per_day_cents":{"value":9600,"verified":false,"source":"Kommissionens minimum i intervallet [S]; Danmarks sats står i bilag 3"}},{"group":2,"per_day_cents":{"value":8400,"verified":false,"source":"Kommissionens minimum i intervallet [S]; Danmarks sats står i bilag 3"}},{"group":3,"per_day_cents":{"value":7100,"verified":false,"source":"Kommissionens minimum i intervallet [S]; Danmarks sats står i bilag 3"}}],"full_rate_days":{"value":14,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"reduced_share_bp":{"value":7000,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"organisational_support":{"LM-GRP-PUPIL":{"value":10000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"LM-LONG-PUPILS":{"value":35000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"LM-SHORT-PUPIL":{"value":35000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"OA-HOS-TTT":{"value":50000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"OA-INV-EXP":{"value":50000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"SM-COUR-TRAIN":{"value":10000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"SM-JOB-SHDW":{"value":35000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"SM-TTA":{"value":35000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"}},"course_fee_per_day_cents":{"value":8000,"verified":false,"source":"Sekundær kilde [S]"},"course_fee_max_days":{"value":10,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"prep_visit_per_person_cents":{"value":57500,"verified":false,"source":"Sekundær kilde [S]"},"prep_visit_max_persons":{"value":3,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"inclusion_org_per_participant_cents":{"value":10000,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3; året er ubekræftet"},"exceptional_share_bp":{"value":8000,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"expensive_threshold_bp":{"value":7000,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"expensive_paid_bp":{"value":8000,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"max_travel_days_standard":{"value":2,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"max_travel_days_green":{"value":6,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"}}$rates$::jsonb),
    (2025, $rates${"call_year":2025,"bands":[{"min_km":10,"max_km":99,"standard_cents":{"value":2800,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":5600,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":100,"max_km":499,"standard_cents":{"value":21100,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":28500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":500,"max_km":1999,"standard_cents":{"value":30900,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":41700,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":2000,"max_km":2999,"standard_cents":{"value":39500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":53500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":3000,"max_km":3999,"standard_cents":{"value":58000,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":78500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":4000,"max_km":7999,"standard_cents":{"value":118800,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":118800,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":8000,"max_km":null,"standard_cents":{"value":173500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":173500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}}],"countries":{"AT":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"BE":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"BG":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"CY":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"CZ":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"DE":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"DK":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"EE":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"ES":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"FI":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"FR":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"GR":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"HR":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"HU":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"IE":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"IS":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"IT":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"LI":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"LT":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"LU":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"LV":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"MK":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"MT":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"NL":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"NO":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"PL":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"PT":{"value":2,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"RO":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"RS":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"SE":{"value":1,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"SI":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"SK":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"},"TR":{"value":3,"verified":false,"source":"Klassisk gruppering, sekundære kilder [S]"}},"individual_support":[{"group":1,"per_day_cents":{"value":9600,"verified":false,"source":"Kommissionens minimum i intervallet [S]; Danmarks sats står i bilag 3"}},{"group":2,"per_day_cents":{"value":8400,"verified":false,"source":"Kommissionens minimum i intervallet [S]; Danmarks sats står i bilag 3"}},{"group":3,"per_day_cents":{"value":7100,"verified":false,"source":"Kommissionens minimum i intervallet [S]; Danmarks sats står i bilag 3"}}],"full_rate_days":{"value":14,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"reduced_share_bp":{"value":7000,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"organisational_support":{"LM-GRP-PUPIL":{"value":10000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"LM-LONG-PUPILS":{"value":35000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"LM-SHORT-PUPIL":{"value":35000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"OA-HOS-TTT":{"value":50000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"OA-INV-EXP":{"value":50000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"SM-COUR-TRAIN":{"value":10000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"SM-JOB-SHDW":{"value":35000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"SM-TTA":{"value":35000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"}},"course_fee_per_day_cents":{"value":8000,"verified":false,"source":"Sekundær kilde [S]"},"course_fee_max_days":{"value":10,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"prep_visit_per_person_cents":{"value":57500,"verified":false,"source":"Sekundær kilde [S]"},"prep_visit_max_persons":{"value":3,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"inclusion_org_per_participant_cents":{"value":10000,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3; året er ubekræftet"},"exceptional_share_bp":{"value":8000,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"expensive_threshold_bp":{"value":7000,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"expensive_paid_bp":{"value":8000,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"max_travel_days_standard":{"value":2,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"max_travel_days_green":{"value":6,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"}}$rates$::jsonb),
    (2026, $rates${"call_year":2026,"bands":[{"min_km":10,"max_km":99,"standard_cents":{"value":2800,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":5600,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":100,"max_km":499,"standard_cents":{"value":21100,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":28500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":500,"max_km":1999,"standard_cents":{"value":30900,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":41700,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":2000,"max_km":2999,"standard_cents":{"value":39500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":53500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":3000,"max_km":3999,"standard_cents":{"value":58000,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":78500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":4000,"max_km":7999,"standard_cents":{"value":118800,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":118800,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}},{"min_km":8000,"max_km":null,"standard_cents":{"value":173500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"green_cents":{"value":173500,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"}}],"countries":{"AT":{"value":1,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"BE":{"value":1,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"BG":{"value":3,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"CY":{"value":2,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"CZ":{"value":2,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"DE":{"value":1,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"DK":{"value":1,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"EE":{"value":2,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"ES":{"value":2,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"FI":{"value":1,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"FR":{"value":1,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"GR":{"value":2,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"HR":{"value":3,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"HU":{"value":3,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"IE":{"value":1,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"IS":{"value":1,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"IT":{"value":1,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"LI":{"value":1,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"LT":{"value":3,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"LU":{"value":1,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"LV":{"value":2,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"MK":{"value":3,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"MT":{"value":2,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"NL":{"value":1,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"NO":{"value":1,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"PL":{"value":3,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"PT":{"value":2,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"RO":{"value":3,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"RS":{"value":3,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"SE":{"value":1,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"SI":{"value":2,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"SK":{"value":2,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"},"TR":{"value":3,"verified":false,"source":"Ny gruppering, et nationalt kontors skoleside [V-NA]; startåret er ubekræftet"}},"individual_support":[{"group":1,"per_day_cents":{"value":9600,"verified":false,"source":"Kommissionens minimum i intervallet [S]; Danmarks sats står i bilag 3"}},{"group":2,"per_day_cents":{"value":8400,"verified":false,"source":"Kommissionens minimum i intervallet [S]; Danmarks sats står i bilag 3"}},{"group":3,"per_day_cents":{"value":7100,"verified":false,"source":"Kommissionens minimum i intervallet [S]; Danmarks sats står i bilag 3"}}],"full_rate_days":{"value":14,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"reduced_share_bp":{"value":7000,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3"},"organisational_support":{"LM-GRP-PUPIL":{"value":10000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"LM-LONG-PUPILS":{"value":35000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"LM-SHORT-PUPIL":{"value":35000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"OA-HOS-TTT":{"value":50000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"OA-INV-EXP":{"value":50000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"SM-COUR-TRAIN":{"value":10000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"SM-JOB-SHDW":{"value":35000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"},"SM-TTA":{"value":35000,"verified":false,"source":"Beløb: et nationalt kontor [V-NA]; hvilken aktivitet der får hvilket: [S]"}},"course_fee_per_day_cents":{"value":8000,"verified":false,"source":"Sekundær kilde [S]"},"course_fee_max_days":{"value":10,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"prep_visit_per_person_cents":{"value":57500,"verified":false,"source":"Sekundær kilde [S]"},"prep_visit_max_persons":{"value":3,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"inclusion_org_per_participant_cents":{"value":10000,"verified":false,"source":"Et nationalt kontors offentlige side [V-NA], ikke bilag 3; året er ubekræftet"},"exceptional_share_bp":{"value":8000,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"expensive_threshold_bp":{"value":7000,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"expensive_paid_bp":{"value":8000,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"max_travel_days_standard":{"value":2,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"},"max_travel_days_green":{"value":6,"verified":false,"source":"Programguiden/BM-dokumentationen [V], ikke bilag 3"}}$rates$::jsonb);

-- The grant agreement: awarded amount per budget category and indicative targets.
CREATE TABLE project_budget (
    project_id    uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    category      text NOT NULL CHECK (category IN ('travel', 'individual_support',
                      'organisational_support', 'course_fees', 'inclusion_participants',
                      'inclusion_organisation', 'exceptional_costs', 'preparatory_visit')),
    awarded_cents bigint NOT NULL CHECK (awarded_cents >= 0),
    PRIMARY KEY (project_id, category)
);

-- Table 1 of the BM's Targets tab, per activity type.
CREATE TABLE project_targets (
    project_id        uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    activity_type     text NOT NULL REFERENCES activity_types (code),
    participants      integer NOT NULL DEFAULT 0 CHECK (participants >= 0),
    total_days        integer NOT NULL DEFAULT 0 CHECK (total_days >= 0),
    accompanying      integer NOT NULL DEFAULT 0 CHECK (accompanying >= 0),
    accompanying_days integer NOT NULL DEFAULT 0 CHECK (accompanying_days >= 0),
    PRIMARY KEY (project_id, activity_type)
);

-- Table 2 of the Targets tab, for the whole project. The awarded total is the sum of the budget.
ALTER TABLE projects
    DROP COLUMN awarded_cents,
    ADD COLUMN target_fewer_opportunities integer NOT NULL DEFAULT 0 CHECK (target_fewer_opportunities >= 0),
    ADD COLUMN target_blended  integer NOT NULL DEFAULT 0 CHECK (target_blended >= 0),
    ADD COLUMN target_green    integer NOT NULL DEFAULT 0 CHECK (target_green >= 0),
    ADD COLUMN updated_at      timestamptz NOT NULL DEFAULT now();

-- Schools get coordinates as partners have, picked from the towns table: the distance band of the
-- travel grant runs from the sending school's town to the venue.
ALTER TABLE organisations
    ADD COLUMN latitude  double precision CHECK (latitude BETWEEN -90 AND 90),
    ADD COLUMN longitude double precision CHECK (longitude BETWEEN -180 AND 180),
    ADD CONSTRAINT organisations_coordinates CHECK ((latitude IS NULL) = (longitude IS NULL));

-- Blended activities count in the Targets' table 2.
ALTER TABLE mobilities ADD COLUMN blended boolean NOT NULL DEFAULT false;

-- What the grant of one participant mobility depends on beyond the mobility itself. The
-- justification of inclusion support is shown only to accounts with access to special categories;
-- it never names a diagnosis, only why support is needed.
ALTER TABLE mobility_participants
    ADD COLUMN interrupted_days          smallint NOT NULL DEFAULT 0 CHECK (interrupted_days >= 0),
    ADD COLUMN real_travel_cents         bigint CHECK (real_travel_cents >= 0),
    ADD COLUMN expensive_travel          boolean NOT NULL DEFAULT false,
    ADD COLUMN course_fee_days           smallint CHECK (course_fee_days >= 0),
    ADD COLUMN course_fees_not_requested boolean NOT NULL DEFAULT false,
    ADD COLUMN org_support_not_requested boolean NOT NULL DEFAULT false,
    ADD COLUMN inclusion_real_cents      bigint CHECK (inclusion_real_cents >= 0),
    ADD COLUMN inclusion_approved        boolean NOT NULL DEFAULT false,
    ADD COLUMN inclusion_justification   text NOT NULL DEFAULT '',
    ADD COLUMN exceptional_real_cents    bigint CHECK (exceptional_real_cents >= 0);
-- The BM never flags an accompanying person; neither does Udsyn.
UPDATE mobility_participants SET fewer_opportunities = false WHERE role = 'ledsager';
ALTER TABLE mobility_participants ADD CONSTRAINT participants_escort_not_flagged CHECK (role = 'deltager' OR NOT fewer_opportunities);

-- The grant of each participant mobility as last computed, line by line, so budgets add up in SQL
-- without recomputing. `unverified`: a figure used has not been checked against Annex 3.
CREATE TABLE participant_grants (
    mobility_id  uuid NOT NULL,
    staff_id     uuid NOT NULL,
    call_year    smallint NOT NULL,
    total_cents  bigint NOT NULL,
    unverified   boolean NOT NULL,
    km           integer,
    km_source    text,
    band         text NOT NULL DEFAULT '',
    warnings     text[] NOT NULL DEFAULT '{}',
    -- why it could not be computed (a country without a group, no rates for the year)
    problem      text NOT NULL DEFAULT '',
    computed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (mobility_id, staff_id),
    FOREIGN KEY (mobility_id, staff_id) REFERENCES mobility_participants (mobility_id, staff_id)
        ON DELETE CASCADE
);

CREATE TABLE grant_lines (
    mobility_id uuid NOT NULL,
    staff_id    uuid NOT NULL,
    category    text NOT NULL CHECK (category IN ('travel', 'individual_support',
                    'organisational_support', 'course_fees', 'inclusion_participants',
                    'inclusion_organisation', 'exceptional_costs', 'preparatory_visit')),
    cents       bigint NOT NULL,
    working     text NOT NULL,
    unverified  boolean NOT NULL,
    PRIMARY KEY (mobility_id, staff_id, category),
    FOREIGN KEY (mobility_id, staff_id) REFERENCES participant_grants (mobility_id, staff_id)
        ON DELETE CASCADE
);

-- The BM's mobility activity ID of each participant mobility: the project reference's last digits,
-- MOB and a counter (123456-MOB-00001). Assigned once; a row outlives its participant, so an ID is
-- never given to anyone else.
CREATE TABLE bm_mobility_ids (
    project_id  uuid NOT NULL REFERENCES projects (id),
    counter     integer NOT NULL CHECK (counter >= 1),
    bm_id       text NOT NULL,
    mobility_id uuid NOT NULL,
    staff_id    uuid NOT NULL,
    assigned_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, counter),
    UNIQUE (project_id, bm_id),
    UNIQUE (project_id, mobility_id, staff_id)
);

-- The columns of the BM's mobility file per call year: header text and order. `field` is what
-- Udsyn writes into the column (`domain::bm::Field`); NULL for a column Udsyn does not know, which
-- is written empty.
CREATE TABLE bm_columns (
    call_year smallint NOT NULL CHECK (call_year BETWEEN 2014 AND 2100),
    position  smallint NOT NULL CHECK (position >= 1),
    header    text NOT NULL CHECK (length(trim(header)) > 0),
    field     text,
    PRIMARY KEY (call_year, position),
    UNIQUE (call_year, field)
);

INSERT INTO bm_columns (call_year, position, header, field)
SELECT y, c.position, c.header, c.field
FROM generate_series(2024, 2026) AS y,
     (VALUES (1, 'Mobility activity ID', 'mobility_id'),
             (2, 'Activity type', 'activity_type'),
             (3, 'Participant', 'participant'),
             (4, 'Accompanying person', 'accompanying'),
             (5, 'Force majeure', 'force_majeure'),
             (6, 'Participant with fewer opportunities', 'fewer_opportunities'),
             (7, 'Sending organisation', 'sending_oid'),
             (8, 'Receiving organisation', 'receiving_oid'),
             (9, 'Receiving country', 'receiving_country'),
             (10, 'Receiving city', 'receiving_city'),
             (11, 'Start date', 'start_date'),
             (12, 'End date', 'end_date'),
             (13, 'Interrupted duration', 'interrupted_days'),
             (14, 'Funded travel days', 'travel_days'),
             (15, 'Main means of transport', 'transport'),
             (16, 'Sustainable means of transport (green travel)', 'green_travel'),
             (17, 'Distance band', 'distance_band'),
             (18, 'Travel grant', 'travel_grant'),
             (19, 'Individual support', 'individual_support'),
             (20, 'Course fees – number of days', 'course_fee_days'),
             (21, 'Course title', 'course_title'),
             (22, 'Course fees', 'course_fees'),
             (23, 'Organisational support', 'organisational_support'),
             (24, 'Inclusion support for participants', 'inclusion_support'),
             (25, 'Request exceptional costs for expensive travel', 'expensive_travel'),
             (26, 'Real travel cost', 'real_travel_cost'),
             (27, 'Total grant', 'total_grant'))
       AS c(position, header, field);

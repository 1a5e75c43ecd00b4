// Test-run setup: fast-check properties use one fixed seed unless FC_SEED says otherwise, so a CI run is
// reproducible; set FC_SEED=random locally to explore new cases (the failing seed is printed on failure).

import fc from "fast-check";

const fromEnv = process.env.FC_SEED;
if (fromEnv !== "random") fc.configureGlobal({ seed: fromEnv ? Number(fromEnv) : 20261122 });

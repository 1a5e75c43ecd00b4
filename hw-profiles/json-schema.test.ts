// Writes hw-profiles/profile.schema.json (the JSON Schema of the profile format, generated from the zod schema)
// and fails when the committed file is stale: regenerate with `npx vitest run hw-profiles/json-schema -u`.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packagePath } from "../common/package-root.js";
import { BUILTIN_PROFILES, profileJsonSchema } from "./index.js";

describe("profile.schema.json", () => {
  it("is the zod schema's JSON Schema", async () => {
    const text = `${JSON.stringify(profileJsonSchema(), null, 2)}\n`;
    await expect(text).toMatchFileSnapshot("./profile.schema.json");
  });

  it("describes the shipped files' shape: strict objects, provenance on quantities", () => {
    const schema = profileJsonSchema() as {
      additionalProperties: boolean;
      required: string[];
      $defs: Record<string, { required: string[]; additionalProperties: boolean }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(
      expect.arrayContaining(["name", "sources", "grid", "core", "costs", "timestep"]),
    );
    expect(schema.$defs.Energy!.required).toEqual(["value", "unit", "status", "source"]);
    expect(schema.$defs.Count!.additionalProperties).toBe(false);
    for (const name of BUILTIN_PROFILES) {
      const raw = parse(readFileSync(packagePath("hw-profiles", `${name}.yaml`), "utf8"));
      expect(
        Object.keys(raw).every((k) => k in (schema as unknown as { properties: object }).properties),
      ).toBe(true);
    }
  });
});

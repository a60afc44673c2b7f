import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderEnvExample, renderReadmeTable } from "@/lib/config/docs";
import { variables } from "@/lib/config/variables";

describe("configuration documentation", () => {
  it(".env.example documents every variable with its default (run `npm run docs:config` to fix)", () => {
    expect(readFileSync(".env.example", "utf8")).toBe(renderEnvExample());
    for (const name of Object.keys(variables)) expect(renderEnvExample()).toContain(`# ${name}=`);
  });

  it("the README's configuration table matches the schema (run `npm run docs:config` to fix)", () => {
    expect(readFileSync("README.md", "utf8")).toContain(renderReadmeTable());
  });
});

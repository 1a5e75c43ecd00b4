// `inspect` on a SANA-FE network .yaml: recognised by content through the importer registry, not by extension.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { bufferIo } from "../io.js";
import { runCli } from "../main.js";

const NET = `# two inputs, two LIF neurons
network:
  name: tiny
  groups:
    - name: in
      neurons:
        - 0: [spikes: [1, 0, 1]]
        - 1: [spikes: [0, 1, 0]]
    - name: out
      attributes: [soma: {threshold: 1.5}]
      neurons:
        - 0..1: []
  edges:
    - in -> out: [type: dense, weight: [1, 1, 2, 0]]
mappings:
  - in: [core: 0.0]
  - out: [core: 0.1]
`;

it("inspect reads a SANA-FE network .yaml by its content; other .yaml files still get the usage error", async () => {
  const dir = mkdtempSync(join(tmpdir(), "inspect-sanafe-"));
  const net = join(dir, "net.yaml");
  writeFileSync(net, NET);
  const io = bufferIo();
  expect(await runCli(["inspect", net], io)).toBe(0);
  const out = io.stdout.join("\n");
  expect(out).toMatch(/— sanafe/);
  expect(out).toMatch(/^out\s+IF\s+\[2\]\s+\[2\]/m);
  const other = join(dir, "other.yaml");
  writeFileSync(other, "foo: 1\n");
  const io2 = bufferIo();
  expect(await runCli(["inspect", other], io2)).toBe(2);
  expect(io2.stderr.join("\n")).toMatch(/unknown file extension \.yaml/);
});

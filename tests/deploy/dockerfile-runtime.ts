/**
 * The runtime stage of the Dockerfile, read from the file itself: its ENV
 * lines, its CMD and its HEALTHCHECK command (exec form), so the deploy tests
 * start the standalone server exactly as the image does. Fails loudly when
 * the Dockerfile stops having the shape this reads.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export interface ImageRuntime {
  env: Record<string, string>;
  cmd: string[];
  healthcheck: string[];
  user: string;
}

export function readImageRuntime(root: string): ImageRuntime {
  const text = readFileSync(path.join(root, "Dockerfile"), "utf8");
  const stages = text.split(/^FROM /m);
  const runtime = stages.find((stage) => /^\S+ AS runtime$/m.test(stage.split("\n")[0]!));
  if (!runtime) throw new Error("Dockerfile: no stage named runtime");
  const env: Record<string, string> = {};
  for (const [, name, value] of runtime.matchAll(/^ENV (\w+)=(\S+)$/gm)) env[name!] = value!;
  const cmd = /^CMD (\[.*\])$/m.exec(runtime)?.[1];
  const health = /^HEALTHCHECK .*? CMD (\[.*\])$/m.exec(runtime)?.[1];
  const user = /^USER (\S+)$/m.exec(runtime)?.[1];
  if (!cmd || !health || !user) throw new Error("Dockerfile: the runtime stage needs CMD, HEALTHCHECK … CMD and USER in exec form");
  return { env, cmd: JSON.parse(cmd) as string[], healthcheck: JSON.parse(health) as string[], user };
}

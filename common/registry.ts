// A typed name → item map for every pluggable thing (importers, kernels, profiles, renderers).
// Adding an item is one file plus one `register` line; duplicates are a programming error.

import { SpikegridError } from "./errors.js";

export class Registry<T> {
  private readonly items = new Map<string, T>();

  constructor(readonly what: string) {}

  register(name: string, item: T): void {
    if (this.items.has(name)) throw new Error(`${this.what} "${name}" is registered twice`);
    this.items.set(name, item);
  }

  has(name: string): boolean {
    return this.items.has(name);
  }

  /** The item, or a user-facing error listing the known names. */
  get(name: string): T {
    const item = this.items.get(name);
    if (item === undefined) {
      throw new SpikegridError("USAGE", `unknown ${this.what} "${name}"`, {
        hint: `known ${this.what}s: ${this.names().join(", ")}`,
      });
    }
    return item;
  }

  names(): string[] {
    return [...this.items.keys()];
  }

  entries(): [string, T][] {
    return [...this.items.entries()];
  }
}

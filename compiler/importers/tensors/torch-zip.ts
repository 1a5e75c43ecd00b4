// Reads PyTorch checkpoints: the zip format of torch.save since 1.6 (`<archive>/data.pkl` + `data/<key>`
// storages + `byteorder`) here, the legacy pre-1.6 stream via torch-legacy.ts. Entry points at the bottom.

import { Budget } from "../budget.js";
import { CORRUPT, guard, importError, plainBytes, readBytes, sniff, unsupported } from "./bytes.js";
import { unpickle } from "./pickle.js";
import { type FindOptions, findStateDict } from "./state-dict.js";
import { decodeElements, itemSize, type StateDict, type TensorData } from "./tensor.js";
import { storageFromPid, torchFindClass } from "./torch-globals.js";
import { isLegacyTorch, readLegacyTorch } from "./torch-legacy.js";
import { resolveTensors, type StorageLoader } from "./torch-tensors.js";
import { isZip, readZip, type ZipArchive, zipEntryData } from "./zip.js";

export interface TorchCheckpoint {
  /** The parameters (see `findStateDict`), in file order. */
  stateDict: StateDict;
  /** Everything else (epoch, hyper_parameters, optimizer state …) as plain data; tensors stay Tensors. */
  other: Record<string, unknown>;
  /** Things skipped or guessed (unsupported tensor kinds, where the state_dict was found …). */
  warnings: string[];
  /** The whole decoded object (dicts as Maps, tensors materialised, unknown classes as PyObject). */
  object: unknown;
}

export type TorchReadOptions = FindOptions;

/** Decodes the pickle and storages of a torch.save zip archive into the object it saved. */
function readZipObject(
  zip: ZipArchive,
  warnings: string[],
  budget: Budget,
  findClass: typeof torchFindClass,
): unknown {
  const file = zip.file;
  const pkl = [...zip.entries.keys()]
    .filter((n) => n === "data.pkl" || n.endsWith("/data.pkl"))
    .sort((a, b) => a.split("/").length - b.split("/").length)[0];
  if (pkl === undefined) {
    const npz = [...zip.entries.keys()].some((n) => n.endsWith(".npy"));
    throw importError(
      file,
      "zip directory",
      npz ? "is a NumPy .npz archive, not a PyTorch checkpoint" : "is a zip archive without data.pkl",
      npz ? "read it with readNpz" : "pass a file written by torch.save",
    );
  }
  const prefix = pkl.slice(0, -"data.pkl".length);
  if ([...zip.entries.keys()].some((n) => n === `${prefix}constants.pkl` || n.startsWith(`${prefix}code/`))) {
    throw unsupported(
      file,
      `zip entry '${prefix}constants.pkl'`,
      "is a TorchScript archive (torch.jit.save), not a torch.save checkpoint",
      "in Python: torch.save(torch.jit.load(path).state_dict(), 'weights.pt')",
    );
  }
  const order = zip.entries.get(`${prefix}byteorder`);
  const byteorder = order ? new TextDecoder().decode(zipEntryData(zip, order)).trim() : "little";
  if (byteorder !== "little" && byteorder !== "big") {
    throw importError(
      file,
      `zip entry '${prefix}byteorder'`,
      `has unknown byte order '${byteorder}'`,
      CORRUPT,
    );
  }
  const pklEntry = zip.entries.get(pkl)!;
  const value = unpickle(zipEntryData(zip, pklEntry), {
    file,
    where: `zip entry '${pkl}'`,
    findClass,
    persistentLoad: (pid) => storageFromPid(pid, file, `zip entry '${pkl}'`),
  }).value;
  const cache = new Map<string, TensorData>();
  const load: StorageLoader = (ref) => {
    const id = `${ref.key}:${ref.dtype}`;
    let data = cache.get(id);
    if (data) return data;
    const name = `${prefix}data/${ref.key}`;
    const entry = zip.entries.get(name);
    if (!entry)
      throw importError(file, `zip entry '${name}'`, "storage is missing from the archive", CORRUPT);
    const need = (ref.numel + ref.viewOffset) * itemSize(ref.dtype);
    // only the storage's own bytes are inflated, and they count against the file's budget first
    const bytes = zipEntryData(zip, entry, { budget, maxBytes: need });
    if (bytes.length < need) {
      throw importError(
        file,
        `zip entry '${name}'`,
        `holds ${bytes.length} bytes, the storage needs ${need}`,
        CORRUPT,
      );
    }
    const count = Math.floor(bytes.length / itemSize(ref.dtype));
    data = decodeElements(ref.dtype, bytes, count, byteorder === "little");
    cache.set(id, data);
    return data;
  };
  return resolveTensors(value, load, file, warnings, budget);
}

/** Reads a torch.save checkpoint (zip or legacy) from memory. `name` is used in error messages. */
export function readTorchCheckpoint(
  input: Uint8Array,
  name: string,
  opts: TorchReadOptions = {},
): TorchCheckpoint {
  const bytes = plainBytes(input);
  return guard(name, "a PyTorch checkpoint", () => {
    const warnings: string[] = [];
    const budget = new Budget("decodedBytes", name);
    // globals off the allow-list: never run, but the user should hear that the file asked for them
    const refused = new Set<string>();
    const findClass = (module: string, cls: string): unknown => {
      const found = torchFindClass(module, cls);
      if (found === undefined) refused.add(`${module}.${cls}`.slice(0, 120));
      return found;
    };
    let object: unknown;
    if (isZip(bytes)) object = readZipObject(readZip(bytes, name), warnings, budget, findClass);
    else if (isLegacyTorch(bytes)) object = readLegacyTorch(bytes, name, warnings, budget, findClass);
    else if (bytes.length > 262 && new TextDecoder().decode(bytes.subarray(257, 262)) === "ustar") {
      throw unsupported(
        name,
        "byte 257",
        "is a tar-format checkpoint from PyTorch < 0.4",
        "load it with an old PyTorch and re-save it with torch.save (PyTorch >= 1.6)",
      );
    } else {
      throw importError(
        name,
        "byte 0",
        `is not a PyTorch checkpoint (${sniff(bytes)})`,
        "pass a file written by torch.save (.pt/.pth/.ckpt)",
      );
    }
    if (refused.size > 0) {
      const names = [...refused].slice(0, 8).join(", ");
      warnings.push(
        `the pickle names Python callables/classes that were not run (kept as inert placeholders): ${names}` +
          (refused.size > 8 ? ` and ${refused.size - 8} more` : ""),
      );
    }
    const found = findStateDict(object, opts);
    if (found.path) warnings.push(`state_dict found under '${found.path}'`);
    return {
      stateDict: found.stateDict,
      other: found.other,
      warnings: [...warnings, ...found.warnings],
      object,
    };
  });
}

export function readTorchFile(path: string, opts: TorchReadOptions = {}): TorchCheckpoint {
  return readTorchCheckpoint(readBytes(path), path, opts);
}

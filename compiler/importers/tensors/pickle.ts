// A safe Python unpickler (protocols 0–5): it builds plain data and never runs code. Globals resolve only
// through the caller's allow-list; anything else becomes an inert PyObject placeholder recorded by name.

import { ByteReader, CORRUPT, importError, unsupported } from "./bytes.js";
import { NOT_LITERAL, readLiteral } from "./pickle-literals.js";
import {
  type Buildable,
  describe,
  dictAttributes,
  mergeStateInto,
  PyFunction,
  PyGlobal,
  PyObject,
} from "./pickle-types.js";

export interface UnpickleOptions {
  /** File and part (e.g. `archive/data.pkl`) for error messages. */
  file: string;
  where: string;
  start?: number;
  /** Resolves `module.name`: a PyFunction or plain value if allowed, undefined to make it a placeholder. */
  findClass(module: string, name: string): unknown;
  /** Resolves a persistent id (torch storages). */
  persistentLoad?(pid: unknown): unknown;
}

/** Runs the pickle starting at `start`; returns the value and the offset just after STOP. */
export function unpickle(bytes: Uint8Array, opt: UnpickleOptions): { value: unknown; end: number } {
  const r = new ByteReader(bytes, opt.file, opt.where, opt.start ?? 0);
  // MARK saves the current stack on `meta` and starts a fresh one, so popping to a mark is O(1)
  let stack: unknown[] = [];
  const meta: unknown[][] = [];
  const memo = new Map<number, unknown>();
  const utf8 = new TextDecoder();
  let op = 0;
  let at = 0;
  const fail = (msg: string) =>
    importError(opt.file, `${opt.where} byte ${at}`, `pickle opcode 0x${op.toString(16)}: ${msg}`, CORRUPT);
  const pop = (): unknown => {
    if (stack.length === 0) throw fail("pops an empty stack");
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) throw fail("reads an empty stack");
    return stack[stack.length - 1];
  };
  // `push(f())` rather than `stack.push(f())`: when f pops a mark it swaps `stack`, and the method call
  // would already have bound the old array
  const push = (v: unknown) => {
    stack.push(v);
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const prev = meta.pop();
    if (!prev) throw fail("has no matching MARK");
    stack = prev;
    return items;
  };
  const str = (v: unknown, what: string): string => {
    if (typeof v !== "string") throw fail(`${what} is not a string`);
    return v;
  };
  const line = (what: string) => utf8.decode(r.line(what));
  const textIndex = (): number => {
    const s = line("memo index");
    if (!/^\d{1,15}$/.test(s)) throw fail(`has a malformed memo index ${JSON.stringify(s.slice(0, 40))}`);
    return Number(s);
  };
  const getGlobal = (module: string, name: string): unknown =>
    opt.findClass(module, name) ?? new PyGlobal(`${module}.${name}`);
  const call = (fn: unknown, args: unknown): unknown => {
    if (!Array.isArray(args)) throw fail("calls with arguments that are not a tuple");
    if (fn instanceof PyFunction) return fn.call(args);
    if (fn instanceof PyGlobal) return new PyObject(fn.name, args);
    if (fn instanceof PyObject) return new PyObject(`${fn.className}(…)`, args);
    throw fail(`calls a ${describe(fn)}, which is not callable`);
  };
  const setItems = (target: unknown, kv: unknown[]) => {
    if (kv.length % 2) throw fail("sets a key without a value");
    const m = target instanceof Map ? target : target instanceof PyObject ? target.dictPart() : null;
    if (!m) throw fail(`sets items on a ${describe(target)}`);
    for (let i = 0; i < kv.length; i += 2) m.set(kv[i], kv[i + 1]);
  };
  const append = (target: unknown, vs: unknown[]) => {
    const l = Array.isArray(target) ? target : target instanceof PyObject ? target.listPart() : null;
    if (!l) throw fail(`appends to a ${describe(target)}`);
    for (const v of vs) l.push(v);
  };
  const build = (obj: unknown, state: unknown) => {
    if (obj instanceof PyObject) obj.state = state;
    else if (obj instanceof Map && mergeStateInto.has(obj) && state instanceof Map) {
      for (const [k, v] of state) obj.set(k, v);
    } else if (obj instanceof Map) dictAttributes.set(obj, state);
    else if (obj && typeof (obj as Buildable).setState === "function") (obj as Buildable).setState(state);
    // BUILD on anything else (a rebuilt tensor, a number) carries nothing we use
  };

  // every opcode consumes at least one byte, so this loop ends within bytes.length iterations
  for (;;) {
    at = r.pos;
    op = r.u8("opcode");
    const literal = readLiteral(op, r, fail);
    if (literal !== NOT_LITERAL) {
      stack.push(literal);
      continue;
    }
    switch (op) {
      case 0x80: // PROTO
        if (r.u8("protocol") > 5) throw fail("uses a pickle protocol newer than 5");
        break;
      case 0x95: // FRAME: only a read-ahead hint
        if (r.uintLE(8, "frame length") > r.remaining)
          throw fail("announces a frame past the end of the data");
        break;
      case 0x2e: // STOP: like CPython, the value is the top of the stack
        return { value: pop(), end: r.pos };
      case 0x28: // MARK
        meta.push(stack);
        stack = [];
        break;
      case 0x30: // POP (of an item, or of a mark when the current stack is empty)
        if (stack.length) stack.pop();
        else popMark();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x29: // EMPTY_TUPLE
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x8f: // EMPTY_SET
        stack.push(new Set());
        break;
      case 0x74: // TUPLE
      case 0x6c: // LIST
        push(popMark());
        break;
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: {
        // TUPLE3
        const n = op - 0x84;
        if (stack.length < n) throw fail("builds a tuple from too few items");
        stack.push(stack.splice(stack.length - n, n));
        break;
      }
      case 0x64: {
        // DICT
        const m = new Map();
        setItems(m, popMark());
        stack.push(m);
        break;
      }
      case 0x91: // FROZENSET
        push(new Set(popMark()));
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof Set)) throw fail(`adds set items to a ${describe(s)}`);
        for (const v of items) s.add(v);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS: marked k, v, k, v… into the dict below the mark
        const kv = popMark();
        setItems(top(), kv);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        append(top(), [v]);
        break;
      }
      case 0x65: {
        // APPENDS
        const vs = popMark();
        append(top(), vs);
        break;
      }
      case 0x63: {
        // GLOBAL: "module\nname\n"
        const module = line("module name");
        stack.push(getGlobal(module, line("global name")));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = str(pop(), "global name");
        stack.push(getGlobal(str(pop(), "module name"), name));
        break;
      }
      case 0x69: {
        // INST: "module\nname\n" + marked args
        const module = line("module name");
        const cls = getGlobal(module, line("class name"));
        push(call(cls, popMark()));
        break;
      }
      case 0x6f: {
        // OBJ: marked (cls, *args)
        const [cls, ...args] = popMark();
        stack.push(call(cls, args));
        break;
      }
      case 0x52: // REDUCE: fn(*args)
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args); allow-listed classes decide what that means
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX (kwargs dropped: no allow-listed class takes any)
        pop();
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        build(top(), state);
        break;
      }
      case 0x70: // PUT (text index)
        memo.set(textIndex(), top());
        break;
      case 0x71: // BINPUT
      case 0x72: // LONG_BINPUT
        memo.set(r.uintLE(op === 0x71 ? 1 : 4, "memo index"), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x67: // GET
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const i = op === 0x67 ? textIndex() : r.uintLE(op === 0x68 ? 1 : 4, "memo index");
        if (!memo.has(i)) throw fail(`reads memo slot ${i}, which was never stored`);
        stack.push(memo.get(i));
        break;
      }
      case 0x50: // PERSID (text)
      case 0x51: {
        // BINPERSID
        const pid = op === 0x50 ? line("persistent id") : pop();
        if (!opt.persistentLoad) throw fail("references external data, which this file cannot have");
        stack.push(opt.persistentLoad(pid));
        break;
      }
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: // EXT4
      case 0x97: // NEXT_BUFFER
      case 0x98: // READONLY_BUFFER
        throw unsupported(
          opt.file,
          `${opt.where} byte ${at}`,
          `pickle opcode 0x${op.toString(16)} (extension registry / out-of-band buffer) is not supported`,
          "save the checkpoint with torch.save(model.state_dict(), path)",
        );
      default:
        throw fail("is not a pickle opcode (corrupt data, or not a pickle at all)");
    }
  }
}

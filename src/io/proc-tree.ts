// Who is still alive under pidone, from one read of /proc (through the addon).

/** Pids of every live (non-zombie) process descended from root, root excluded. */
export function descendantsOf(root: number, table: Int32Array): number[] {
  const children = new Map<number, number[]>();
  const zombie = new Set<number>();
  for (let i = 0; i < table.length; i += 3) {
    const pid = table[i]!;
    const ppid = table[i + 1]!;
    if (table[i + 2] === 0x5a /* 'Z' */) zombie.add(pid);
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const out: number[] = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (!zombie.has(pid)) out.push(pid);
    for (const child of children.get(pid) ?? []) stack.push(child);
  }
  return out;
}
